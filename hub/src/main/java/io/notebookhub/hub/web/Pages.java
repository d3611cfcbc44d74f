package io.notebookhub.hub.web;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Helpers shared by the HTML pages. */
final class Pages {
    private Pages() {
    }

    /** The logged-in caller, or null after redirecting the browser to the login page. */
    static Principal requireLogin(RoutingContext ctx) {
        Principal p = RequestAuth.principal(ctx).orElse(null);
        if (p == null && Boolean.TRUE.equals(ctx.get("nbhub.xsrf-missing"))) {
            // A logged-in browser sent a state-changing request without the session's XSRF token: possibly a
            // cross-site forgery, so refuse it rather than offering a login that would carry it out afterwards.
            ctx.fail(HttpError.forbidden("'_xsrf' argument missing from POST (the form's XSRF token is required)"));
            return null;
        }
        if (p == null) {
            ctx.redirect("/hub/login?next=" + URLEncoder.encode(ctx.request().uri(), StandardCharsets.UTF_8));
        }
        return p;
    }
}
