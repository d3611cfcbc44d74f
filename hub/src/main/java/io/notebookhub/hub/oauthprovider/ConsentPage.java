package io.notebookhub.hub.oauthprovider;

import io.notebookhub.hub.web.Templates;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * JupyterHub's "Authorize access" page: a service asks to know who the user is (and whatever else its
 * {@code oauth_client_allowed_scopes} hold); the user's button posts the same request back with the form's XSRF
 * token, and only then does the service get a code.
 */
final class ConsentPage {
    private ConsentPage() {
    }

    static void render(RoutingContext ctx, OAuthClients.Client client, String user, String xsrf) {
        String action = "/hub/api/oauth2/authorize?" + ctx.request().query();
        ctx.response().putHeader("Cache-Control", "no-store");
        Templates.page(ctx, 200, "oauth.html", Map.of("title", "Authorize access", "service", client.service(),
                "user", user, "scopes", List.copyOf(client.allowedScopes()), "action", action, "xsrf", xsrf));
    }
}
