package io.notebookhub.hub.http;

import io.notebookhub.hub.auth.Identities;
import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.auth.SessionCookies;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Finds who sent a request: an API token ({@code Authorization: token|bearer X}, or {@code ?token=X}), else the
 * session cookie. Cookie-authenticated requests that change state must carry the session's XSRF token
 * ({@code X-XSRFToken} header or {@code _xsrf} form field), or they count as anonymous.
 */
public final class RequestAuth implements Handler<RoutingContext> {
    private static final String PRINCIPAL = "nbhub.principal";
    private static final String SESSION = "nbhub.session";

    private final Identities identities;
    private final SessionCookies sessions;
    private final Clock clock;

    public RequestAuth(Identities identities, SessionCookies sessions, Clock clock) {
        this.identities = identities;
        this.sessions = sessions;
        this.clock = clock;
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
        if (cookie == null) {
            return null;
        }
        Optional<SessionCookies.Session> session = sessions.decode(cookie.getValue(), clock.instant());
        if (session.isEmpty()) {
            return null;
        }
        ctx.put(SESSION, session.get());
        boolean safe = ctx.request().method() == HttpMethod.GET || ctx.request().method() == HttpMethod.HEAD
                || ctx.request().method() == HttpMethod.OPTIONS;
        if (!safe && !sessions.xsrfValid(session.get().sessionId(), presentedXsrf(ctx))) {
            ctx.put("nbhub.xsrf-missing", true);
            return null;
        }
        SessionCookies.Session s = session.get();
        return new Lookup(() -> identities.cachedSession(s), () -> identities.fromSession(s));
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

    public static Optional<SessionCookies.Session> session(RoutingContext ctx) {
        return Optional.ofNullable(ctx.get(SESSION));
    }

    /** The XSRF token of the request's session, for forms and scripts on pages. */
    public String xsrfFor(RoutingContext ctx) {
        return session(ctx).map(s -> sessions.xsrfToken(s.sessionId())).orElse("");
    }

    public void login(RoutingContext ctx, String user, boolean secure) {
        SessionCookies.Session session = sessions.newSession(user, clock.instant());
        ctx.response().addCookie(Cookie.cookie(SessionCookies.COOKIE, sessions.encode(session))
                .setPath("/").setHttpOnly(true).setSecure(secure).setSameSite(CookieSameSite.LAX)
                .setMaxAge(sessions.maxAge().toSeconds()));
    }

    public void logout(RoutingContext ctx, String user) {
        ctx.response().addCookie(Cookie.cookie(SessionCookies.COOKIE, "").setPath("/").setMaxAge(0).setHttpOnly(true)
                .setSameSite(CookieSameSite.LAX));
        if (user != null) {
            // The notebook servers' own login cookies are named after their OAuth client and scoped to the server.
            String prefix = UrlPaths.serverPrefix(user, "");
            String client = "jupyterhub-user-" + UrlPaths.escape(user);
            ctx.response().addCookie(Cookie.cookie(client, "").setPath(prefix).setMaxAge(0));
            ctx.response().addCookie(Cookie.cookie(client + "-oauth-state", "").setPath(prefix).setMaxAge(0));
        }
    }
}
