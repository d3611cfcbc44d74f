package io.notebookhub.hub.http;

import io.notebookhub.hub.auth.Identities;
import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.auth.SessionCookies;
import io.notebookhub.hub.auth.Sessions;
import io.notebookhub.hub.paths.UrlPaths;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Finds who sent a request: an API token ({@code Authorization: token|bearer X}, or {@code ?token=X}), else the
 * session cookie, which names a server-side session. Cookie-authenticated requests that change state must carry the session's XSRF token
 * ({@code X-XSRFToken} header or {@code _xsrf} form field), or they count as anonymous.
 */
public final class RequestAuth implements Handler<RoutingContext> {
    private static final String PRINCIPAL = "nbhub.principal";

    private final Identities identities;
    private final SessionCookies cookies;

    public RequestAuth(Identities identities, SessionCookies cookies) {
        this.identities = identities;
        this.cookies = cookies;
    }

    /**
     * Runs on the event loop for every request: a credential the caches know is answered in place; one they do not
     * is looked up in the store on a worker, and the request goes on once that answer is back.
     */
    @Override
    public void handle(RoutingContext ctx) {
        Lookup lookup = lookup(ctx);
        if (lookup == null) {
            ctx.next();
            return;
        }
        Identities.CachedAnswer cached = lookup.cached().get();
        if (cached.answered()) {
            cached.principal().ifPresent(p -> ctx.put(PRINCIPAL, p));
            ctx.next();
            return;
        }
        ctx.vertx().executeBlocking(lookup.load()::get, false).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            ar.result().ifPresent(p -> ctx.put(PRINCIPAL, p));
            ctx.next();
        });
    }

    /** How to find the request's principal: from the caches alone, or (blocking) from the store. */
    private record Lookup(Supplier<Identities.CachedAnswer> cached, Supplier<Optional<Principal>> load) {}

    /** The credential the request presents, or null when it presents none that could name a principal. */
    private Lookup lookup(RoutingContext ctx) {
        String token = presentedToken(ctx);
        if (token != null) {
            return new Lookup(() -> identities.cachedToken(token), () -> identities.fromToken(token));
        }
        Cookie cookie = ctx.request().getCookie(SessionCookies.COOKIE);
        String sessionId = cookie == null ? null : Sessions.idOf(cookie.getValue());
        if (sessionId == null) {
            return null;
        }
        boolean safe = ctx.request().method() == HttpMethod.GET || ctx.request().method() == HttpMethod.HEAD
                || ctx.request().method() == HttpMethod.OPTIONS;
        // The XSRF token derives from the cookie alone, so a forged request is refused without a store read.
        if (!safe && !cookies.xsrfValid(sessionId, presentedXsrf(ctx))) {
            ctx.put("nbhub.xsrf-missing", true);
            return null;
        }
        return new Lookup(() -> identities.cachedSession(sessionId), () -> identities.fromSession(sessionId));
    }

    private static String presentedToken(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null) {
            String[] parts = header.trim().split("\\s+", 2);
            if (parts.length == 2 && (parts[0].equalsIgnoreCase("token") || parts[0].equalsIgnoreCase("bearer"))) {
                return parts[1];
            }
        }
        return ctx.request().getParam("token");
    }

    private static String presentedXsrf(RoutingContext ctx) {
        String header = ctx.request().getHeader("X-XSRFToken");
        if (header != null) {
            return header;
        }
        return ctx.request().getFormAttribute("_xsrf");
    }

    public static Optional<Principal> principal(RoutingContext ctx) {
        return Optional.ofNullable(ctx.get(PRINCIPAL));
    }

    /** The caller, or a 403 (JupyterHub answers unauthenticated API requests with 403). */
    public static Principal require(RoutingContext ctx) {
        Principal p = ctx.get(PRINCIPAL);
        if (p == null) {
            if (Boolean.TRUE.equals(ctx.get("nbhub.xsrf-missing"))) {
                throw HttpError.forbidden("'_xsrf' argument missing from POST (send the X-XSRFToken header)");
            }
            throw HttpError.forbidden("Missing or invalid credentials.");
        }
        return p;
    }

    /** The id of the request's live browser session, when it was authenticated by one. */
    public static Optional<String> sessionId(RoutingContext ctx) {
        return principal(ctx).filter(Principal::viaCookie).map(Principal::sessionId);
    }

    /** The XSRF token of the request's session, for forms and scripts on pages. */
    public String xsrfFor(RoutingContext ctx) {
        return sessionId(ctx).map(cookies::xsrfToken).orElse("");
    }

    /** Blocking: starts a session for {@code user}; set its cookie with {@link #setSessionCookie}. */
    public Sessions.Started startSession(String user, String sealedAuthState) {
        return identities.sessions().start(user, cookies.maxAge(), sealedAuthState);
    }

    public void setSessionCookie(RoutingContext ctx, Sessions.Started started, boolean secure) {
        SessionCookies.clearing().stream().filter(c -> c.getPath().equals("/")).forEach(ctx.response()::addCookie);
        ctx.response().addCookie(cookies.cookie(started.cookieValue(), secure));
    }

    /** Blocking: ends the request's session and the tokens minted through it. */
    public void endSession(RoutingContext ctx) {
        sessionId(ctx).ifPresent(identities::endSession);
    }

    /** Clears the hub's cookie and the user's notebook servers' login cookies in this browser. */
    public void clearCookies(RoutingContext ctx, String user) {
        SessionCookies.clearing().forEach(ctx.response()::addCookie);
        if (user != null) {
            // The notebook servers' own login cookies are named after their OAuth client and scoped to the server.
            String prefix = UrlPaths.serverPrefix(user, "");
            String client = "jupyterhub-user-" + UrlPaths.escape(user);
            ctx.response().addCookie(Cookie.cookie(client, "").setPath(prefix).setMaxAge(0));
            ctx.response().addCookie(Cookie.cookie(client + "-oauth-state", "").setPath(prefix).setMaxAge(0));
        }
    }
}
