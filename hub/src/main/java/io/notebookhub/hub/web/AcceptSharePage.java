package io.notebookhub.hub.web;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.auth.TokenHashing;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.paths.UrlPaths;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.hub.store.ShareCodeRecord;
import io.notebookhub.hub.store.ShareRecord;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /hub/accept-share?code=...}: JupyterHub 5's invitation page. GET shows who invites the logged-in user to
 * which server, with what permissions; the form's POST (with the session's XSRF token) exchanges the code for a share
 * and sends the browser on to the server. A code works until it expires or is revoked, for any number of users.
 */
public final class AcceptSharePage {
    private static final Logger log = LoggerFactory.getLogger(AcceptSharePage.class);

    private final HubStore store;
    private final RequestAuth auth;
    private final Clock clock;

    public AcceptSharePage(HubStore store, RequestAuth auth, Clock clock) {
        this.store = store;
        this.auth = auth;
        this.clock = clock;
    }

    public void mount(Router router) {
        router.get("/hub/accept-share").blockingHandler(this::show, false);
        router.post("/hub/accept-share").blockingHandler(this::accept, false);
    }

    private static String code(RoutingContext ctx) {
        String code = ctx.request().getParam("code");
        if (code == null || code.isBlank()) {
            throw HttpError.badRequest("Missing argument code");
        }
        return code;
    }

    private void show(RoutingContext ctx) {
        Principal p = Pages.requireLogin(ctx);
        if (p == null) {
            return;
        }
        String code = code(ctx);
        ShareCodeRecord share = store.shares().codeByHash(TokenHashing.hash(code))
                .filter(c -> !c.expired(clock.instant()))
                .orElseThrow(() -> HttpError.notFound("Share not found or expired"));
        if (share.owner().equals(p.name())) {
            throw HttpError.forbidden("You can't share with yourself!");
        }
        String url = UrlPaths.serverPrefix(share.owner(), share.serverName());
        boolean ready = store.server(share.owner(), share.serverName())
                .map(s -> ServerRecord.RUNNING.equals(s.status())).orElse(false);
        Map<String, Object> vars = new HashMap<>();
        vars.put("title", "Accept sharing invitation");
        vars.put("xsrf", auth.xsrfFor(ctx));
        vars.put("owner", share.owner());
        vars.put("server_name", share.serverName());
        vars.put("url", url);
        vars.put("ready", ready);
        vars.put("scopes", List.copyOf(share.scopes()));
        vars.put("code", code);
        Templates.page(ctx, 200, "accept_share.html", vars);
    }

    private void accept(RoutingContext ctx) {
        Principal p = Pages.requireLogin(ctx);
        if (p == null) {
            return;
        }
        String code = code(ctx);
        Instant now = clock.instant();
        ShareCodeRecord found = store.shares().codeByHash(TokenHashing.hash(code))
                .orElseThrow(() -> HttpError.badRequest("Invalid share code"));
        if (found.expired(now)) {
            store.shares().deleteCode(found.id());
            throw HttpError.badRequest("Share code sc_" + found.id() + " expired");
        }
        if (found.owner().equals(p.name())) {
            throw HttpError.badRequest("You can't share with yourself!");
        }
        ShareRecord share = store.shares().grant(found.owner(), found.serverName(), "user", p.name(), found.scopes(),
                now);
        store.shares().recordExchange(found.id(), now);
        log.info("{} accepted share code sc_{} for {}/{}", p.name(), found.id(), share.owner(), share.serverName());
        ctx.redirect(UrlPaths.serverPrefix(share.owner(), share.serverName()));
    }
}
