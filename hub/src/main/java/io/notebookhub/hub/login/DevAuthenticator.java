package io.notebookhub.hub.login;

import io.notebookhub.hub.users.UserNames;
import io.notebookhub.hub.web.Templates;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * JupyterHub's dummy login form, for development only: any password is accepted for a valid user name.
 * Used only when no identity provider is configured; the page says so.
 */
public final class DevAuthenticator implements Authenticator {

    @Override
    public String id() {
        return "dev";
    }

    @Override
    public void mount(Router router, LoginCompletion completion) {
        router.get("/hub/login").handler(ctx -> form(ctx, 200, "", completion.loginXsrf(ctx)));
        router.post("/hub/login").handler(ctx -> {
            if (!completion.loginXsrfValid(ctx)) {
                // A form posted from another site, or a page older than this browser's login cookie.
                form(ctx, 403, "This sign-in form has expired or was not sent from this hub; please sign in again",
                        completion.loginXsrf(ctx));
                return;
            }
            String raw = ctx.request().getFormAttribute("username");
            String name = UserNames.normalize(raw);
            var problem = UserNames.problem(name);
            if (problem.isPresent()) {
                form(ctx, 400, "Invalid username: " + problem.get(), completion.loginXsrf(ctx));
                return;
            }
            if (ctx.request().getFormAttribute("password") == null) {
                form(ctx, 400, "The password field is missing", completion.loginXsrf(ctx));
                return;
            }
            completion.complete(ctx, new AuthenticatedUser(name, null, null, null),
                    ctx.request().getFormAttribute("next"));
        });
    }

    private static void form(RoutingContext ctx, int status, String error, String xsrf) {
        Templates.page(ctx, status, "login.html", Map.of("title", "Sign in", "dev", true, "error", error,
                "xsrf", xsrf, "next", ctx.request().getParam("next", "")));
    }

}
