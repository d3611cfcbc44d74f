package io.notebookhub.hub.web;

import io.notebookhub.hub.auth.AuthenticatedUser;
import io.notebookhub.hub.auth.Authenticator;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.http.UrlPaths;
import io.notebookhub.hub.users.Users;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finishes logins (user record, session cookie, safe redirect) and handles logout. */
public final class LoginFlow implements Authenticator.LoginCompletion {
    private static final Logger log = LoggerFactory.getLogger(LoginFlow.class);

    private final Users users;
    private final RequestAuth auth;
    private final Authenticator authenticator;
    private final Runnable onLogin;

    public LoginFlow(Users users, RequestAuth auth, Authenticator authenticator, Runnable onLogin) {
        this.users = users;
        this.auth = auth;
        this.authenticator = authenticator;
        this.onLogin = onLogin;
    }

    public void mount(Router router) {
        authenticator.mount(router, this);
        router.route("/hub/logout").handler(this::logout);
    }

    @Override
    public void complete(RoutingContext ctx, AuthenticatedUser who, String next) {
        ctx.vertx().executeBlocking(() -> {
            users.ensure(who.name());
            if (who.admin() != null) {
                users.setAdmin(who.name(), who.admin() || users.isConfiguredAdmin(who.name()));
            }
            if (who.groups() != null) {
                users.setGroups(who.name(), who.groups());
            }
            users.touch(who.name(), java.time.Instant.now());
            return null;
        }, false).onSuccess(v -> {
            auth.login(ctx, who.name(), ctx.request().isSSL()
                    || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto")));
            log.info("user {} logged in", who.name());
            onLogin.run();
            ctx.redirect(UrlPaths.safeNext(next, "/hub/home"));
        }).onFailure(ctx::fail);
    }

    private void logout(RoutingContext ctx) {
        String user = RequestAuth.principal(ctx).filter(p -> p.isUser()).map(p -> p.name())
                .or(() -> RequestAuth.session(ctx).map(s -> s.user())).orElse(null);
        auth.logout(ctx, user);
        authenticator.afterLogout(ctx).onComplete(ar -> ctx.redirect(ar.succeeded() ? ar.result() : "/hub/login"));
    }
}
