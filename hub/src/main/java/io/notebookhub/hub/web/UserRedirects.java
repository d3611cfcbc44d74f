package io.notebookhub.hub.web;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.paths.UrlPaths;
import io.notebookhub.hub.servers.ServerManager;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.hub.web.ErrorHandling;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Requests that reach the hub although they are meant for a server. A running server whose request landed
 * here has lost its proxy route (the proxy restarted): the route is put back at once and the browser sent on.
 * A stopped server sends its owner to the spawn page. Also the proxy's error target, {@code /hub/error/<code>}.
 */
public final class UserRedirects {
    private final HubStore store;
    private final ServerManager servers;

    public UserRedirects(HubStore store, ServerManager servers) {
        this.store = store;
        this.servers = servers;
    }

    public void mount(Router router) {
        // "/" and "/hub" lead to "/hub/", where the hub's session cookie is sent. Vert.x matches the route "/hub"
        // for "/hub/" too, so the handler must tell them apart, or "/hub/" would redirect to itself forever.
        router.get("/").handler(ctx -> ctx.redirect("/hub/"));
        router.get("/hub").blockingHandler(ctx -> {
            if (ctx.request().path().equals("/hub/")) {
                frontDoor(ctx);
            } else {
                ctx.redirect("/hub/");
            }
        }, false);
        router.route("/user/*").handler(ctx -> ctx.redirect("/hub" + ctx.request().uri()));
        router.get("/hub/user/*").blockingHandler(this::userUrl, false);
        router.get("/hub/user-redirect/*").handler(this::userRedirect);
        router.route("/hub/error/:code").blockingHandler(this::proxyError, false);
    }

    /**
     * {@code /hub/}: the login page for a stranger; for a user, their default server
     * when it runs (JupyterHub's redirect_to_server), else their home page.
     */
    private void frontDoor(RoutingContext ctx) {
        Principal p = RequestAuth.principal(ctx).orElse(null);
        if (p == null) {
            ctx.redirect("/hub/login?next=" + URLEncoder.encode("/hub/", StandardCharsets.UTF_8));
            return;
        }
        boolean running = p.isUser() && store.server(p.name(), "")
                .filter(s -> ServerRecord.RUNNING.equals(s.status())).isPresent();
        ctx.redirect(running ? UrlPaths.serverPrefix(p.name(), "") : "/hub/home");
    }

    private record Target(String user, String server, String rest) {}

    /** Splits {@code /hub/user/NAME[/SERVER]/rest} using which named servers exist. */
    private Target parse(String path) {
        String tail = path.substring("/hub/user/".length());
        String[] parts = tail.split("/", 3);
        String user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        if (parts.length >= 2 && !parts[1].isEmpty()) {
            String candidate = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
            if (store.server(user, candidate).isPresent()) {
                return new Target(user, candidate, parts.length == 3 ? parts[2] : "");
            }
        }
        return new Target(user, "", tail.contains("/") ? tail.substring(tail.indexOf('/') + 1) : "");
    }

    private void userUrl(RoutingContext ctx) {
        Principal p = Pages.requireLogin(ctx);
        if (p == null) {
            return;
        }
        Target t = parse(ctx.request().path());
        ServerRecord s = store.server(t.user, t.server).orElse(null);
        String query = ctx.request().query() == null ? "" : "?" + ctx.request().query();
        String serverUrl = UrlPaths.serverPrefix(t.user, t.server) + t.rest + query;
        if (s != null && ServerRecord.RUNNING.equals(s.status())) {
            servers.ensureRouted(t.user, t.server).onComplete(ar -> ctx.redirect(serverUrl));
            return;
        }
        if (s != null && s.active()) {
            ctx.redirect("/hub/spawn-pending/" + UrlPaths.escape(t.user)
                    + (t.server.isEmpty() ? "" : "/" + UrlPaths.escape(t.server)));
            return;
        }
        if (p.isUser() && p.name().equals(t.user)) {
            // As JupyterHub's not_running page: the launch link comes back to this URL once the server is ready.
            String spawn = "/hub/spawn/" + UrlPaths.escape(t.user) + (t.server.isEmpty() ? "" : "/" + UrlPaths.escape(t.server))
                    + "?next=" + URLEncoder.encode(ctx.request().uri(), StandardCharsets.UTF_8);
            Templates.page(ctx, 424, "not_running.html", Map.of("title", "Server not running",
                    "message", "Your server " + UrlPaths.serverPrefix(t.user, t.server) + " is not running."
                            + (s != null && s.stopReason() != null ? " It stopped: " + s.stopReason() + "." : ""),
                    "spawn_url", spawn));
            return;
        }
        ErrorHandling.respond(ctx, 404, "No running server at " + UrlPaths.serverPrefix(t.user, t.server));
    }

    /**
     * {@code /hub/user-redirect/<path>}: JupyterHub's link that works for everyone (nbgitpuller links, docs), sending
     * whoever is logged in to {@code /user/<their name>/<path>} with the query kept. A stopped server then lands on
     * the "not running" page, whose launch link comes back here through the spawn page's {@code next}.
     */
    private void userRedirect(RoutingContext ctx) {
        Principal p = Pages.requireLogin(ctx);
        if (p == null) {
            return;
        }
        if (!p.isUser()) {
            ErrorHandling.respond(ctx, 400, "user-redirect is for users, not the service " + p.name());
            return;
        }
        String rest = ctx.request().path().substring("/hub/user-redirect/".length());
        String query = ctx.request().query() == null ? "" : "?" + ctx.request().query();
        ctx.redirect(UrlPaths.serverPrefix(p.name(), "") + rest + query);
    }

    private void proxyError(RoutingContext ctx) {
        int code;
        try {
            code = Integer.parseInt(ctx.pathParam("code"));
        } catch (NumberFormatException e) {
            code = 500;
        }
        String url = ctx.request().getParam("url", "");
        String message = switch (code) {
            case 404 -> "Nothing is served at " + url + ".";
            case 502, 503, 504 -> "The server behind " + url + " is not answering. If it is your notebook server, "
                    + "it may have stopped; open Home to start it again.";
            default -> "The proxy could not complete the request to " + url + ".";
        };
        if (url.startsWith("/user/") && code >= 500) {
            String[] parts = url.substring(6).split("/", 2);
            servers.targetUnreachable(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), "");
        }
        int status = code >= 400 && code < 600 ? code : 500;
        ErrorHandling.errorPage(ctx, status, code + " " + ErrorHandling.reason(code), message);
    }
}
