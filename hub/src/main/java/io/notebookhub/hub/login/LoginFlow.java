package io.notebookhub.hub.login;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.auth.SessionCookies;
import io.notebookhub.hub.auth.TokenHashing;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.login.AuthenticatedUser;
import io.notebookhub.hub.login.Authenticator;
import io.notebookhub.hub.paths.UrlPaths;
import io.notebookhub.hub.users.Users;
import io.notebookhub.hub.web.Templates;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes logins (user record, server-side session, cookie, safe redirect), guards the login form against
 * cross-site posts, and handles logout: {@code GET /hub/logout} only asks, {@code POST} (with the session's XSRF
 * token) ends the session, so a cross-site image or link cannot log anyone out.
 */
public final class LoginFlow implements Authenticator.LoginCompletion {
    private static final Logger log = LoggerFactory.getLogger(LoginFlow.class);
    /** The browser's login XSRF cookie: a random value; the form carries its HMAC. */
    public static final String LOGIN_XSRF_COOKIE = "nbhub-login-xsrf";

    private final Users users;
    private final RequestAuth auth;
    private final SessionCookies cookies;
    private final Authenticator authenticator;
    private final Runnable onLogin;
    /** Seals the provider's tokens of a login for its session record; null when the authenticator keeps none. */

    public LoginFlow(Users users, RequestAuth auth, SessionCookies cookies, Authenticator authenticator,
                     Runnable onLogin) {
        this.users = users;
        this.auth = auth;
        this.cookies = cookies;
        this.authenticator = authenticator;
        this.onLogin = onLogin;
    }

    public void mount(Router router) {
        authenticator.mount(router, this);
        router.get("/hub/logout").handler(this::confirmLogout);
        router.post("/hub/logout").handler(this::logout);
    }

    @Override
    public void complete(RoutingContext ctx, AuthenticatedUser who, String next) {
        boolean secure = ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
        ctx.vertx().executeBlocking(() -> {
            users.ensure(who.name());
            if (who.admin() != null) {
                users.setAdmin(who.name(), who.admin() || users.isConfiguredAdmin(who.name()));
            }
            if (who.groups() != null) {
                users.setGroups(who.name(), who.groups());
            }
            users.touch(who.name(), Instant.now());
            String sealed = authenticator.sealAuthState(who);
            return auth.startSession(who.name(), sealed);
        }, false).onSuccess(started -> {
            auth.setSessionCookie(ctx, started, secure);
            log.info("user {} logged in (session {}) from {}", who.name(), shortId(started.record().id()),
                    ctx.request().remoteAddress());
            onLogin.run();
            ctx.response().addCookie(clearedLoginXsrf());
            ctx.redirect(UrlPaths.safeNext(next, "/hub/home"));
        }).onFailure(ctx::fail);
    }

    @Override
    public String loginXsrf(RoutingContext ctx) {
        Cookie existing = ctx.request().getCookie(LOGIN_XSRF_COOKIE);
        String value = existing != null && existing.getValue().length() == 64 ? existing.getValue() : null;
        if (value == null) {
            value = TokenHashing.newToken();
            // Strict: a form on another site can never carry it back.
            ctx.response().addCookie(Cookie.cookie(LOGIN_XSRF_COOKIE, value).setPath(SessionCookies.PATH)
                    .setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                    .setSecure(ctx.request().isSSL()));
        }
        return cookies.mac("login:" + value);
    }

    @Override
    public boolean loginXsrfValid(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(LOGIN_XSRF_COOKIE);
        String presented = ctx.request().getFormAttribute("_xsrf");
        return cookie != null && presented != null
                && TokenHashing.constantTimeEquals(cookies.mac("login:" + cookie.getValue()), presented);
    }

    private static Cookie clearedLoginXsrf() {
        return Cookie.cookie(LOGIN_XSRF_COOKIE, "").setPath(SessionCookies.PATH).setMaxAge(0).setHttpOnly(true);
    }

    /** A GET asks; only the page's POST (same site, with the XSRF token) logs out. */
    private void confirmLogout(RoutingContext ctx) {
        Principal p = RequestAuth.principal(ctx).filter(Principal::viaCookie).orElse(null);
        if (p == null) {
            ctx.redirect("/hub/login");
            return;
        }
        ctx.response().putHeader("Cache-Control", "no-store");
        Templates.page(ctx, 200, "logout.html", Map.of("title", "Log out", "xsrf", auth.xsrfFor(ctx)));
    }

    private void logout(RoutingContext ctx) {
        Principal p = RequestAuth.principal(ctx).filter(Principal::viaCookie).orElse(null);
        if (p == null && Boolean.TRUE.equals(ctx.get("nbhub.xsrf-missing"))) {
            Templates.page(ctx, 403, "logout.html", Map.of("title", "Log out", "refused", true));
            return;
        }
        // Where to go next may need the session's provider tokens (its ID token), so ask before ending it.
        Future<String> after = p == null ? Future.succeededFuture("/hub/login") : authenticator.afterLogout(ctx);
        after.recover(e -> Future.succeededFuture("/hub/login"))
                .compose(target -> ctx.vertx().executeBlocking(() -> {
                    auth.endSession(ctx);
                    return target;
                }, false))
                .onSuccess(target -> {
                    auth.clearCookies(ctx, p == null ? null : p.name());
                    if (p != null) {
                        log.info("user {} logged out (session {})", p.name(), shortId(p.sessionId()));
                    }
                    ctx.redirect(target);
                })
                .onFailure(ctx::fail);
    }

    private static String shortId(String sessionId) {
        return sessionId == null ? "-" : sessionId.substring(0, Math.min(8, sessionId.length()));
    }
}
