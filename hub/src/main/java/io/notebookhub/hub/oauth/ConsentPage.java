package io.notebookhub.hub.oauth;

import io.notebookhub.hub.web.Html;
import io.vertx.ext.web.RoutingContext;

/**
 * JupyterHub's "Authorize access" page: a service asks to know who the user is (and whatever else its
 * {@code oauth_client_allowed_scopes} hold); the user's button posts the same request back with the form's XSRF
 * token, and only then does the service get a code.
 */
final class ConsentPage {
    private ConsentPage() {
    }

    static void render(RoutingContext ctx, OAuthClients.Client client, String user, String xsrf) {
        StringBuilder extra = new StringBuilder();
        for (String scope : client.allowedScopes()) {
            extra.append("<li>").append(Html.escape(scope)).append("</li>");
        }
        String action = "/hub/api/oauth2/authorize?" + ctx.request().query();
        String body = "<h1>Authorize access</h1><p id=\"oauth-question\">The service <strong>"
                + Html.escape(client.service()) + "</strong> would like permission to identify you as <strong>"
                + Html.escape(user) + "</strong>" + (extra.length() == 0 ? "." : " and to act with these scopes:")
                + "</p>" + (extra.length() == 0 ? "" : "<ul id=\"oauth-scopes\">" + extra + "</ul>")
                + "<p>It will not learn your password.</p><form method=\"post\" action=\"" + Html.escape(action)
                + "\"><input type=\"hidden\" name=\"_xsrf\" value=\"" + Html.escape(xsrf) + "\">"
                + "<button id=\"authorize\" type=\"submit\">Authorize</button></form>";
        ctx.response().setStatusCode(200).putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store").end(Html.page("Authorize access", body, user));
    }
}
