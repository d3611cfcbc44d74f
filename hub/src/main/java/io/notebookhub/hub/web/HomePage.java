package io.notebookhub.hub.web;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.paths.UrlPaths;
import io.notebookhub.hub.services.Services;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.hub.store.ShareRecord;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /hub/home}: the user's servers with start, stop and open, and with whom each is shared (revoke, make a share
 * link); {@code /hub/token}: their API tokens.
 */
public final class HomePage {
    private final HubStore store;
    private final RequestAuth auth;
    private final Services services;

    public HomePage(HubStore store, RequestAuth auth, Services services) {
        this.store = store;
        this.auth = auth;
        this.services = services;
    }

    public void mount(Router router) {
        router.get("/hub/home").blockingHandler(this::home, false);
        router.get("/hub/token").blockingHandler(this::token, false);
    }

    private void home(RoutingContext ctx) {
        Principal p = Pages.requireLogin(ctx);
        if (p == null) {
            return;
        }
        Instant now = Templates.of(ctx).clock().instant();
        List<ServerRecord> servers = store.servers(p.name());
        List<Map<String, Object>> rows = new ArrayList<>();
        if (servers.stream().noneMatch(s -> s.name().isEmpty())) {
            rows.add(row(p.name(), "", null, now));
        }
        for (ServerRecord s : servers) {
            Map<String, Object> row = row(p.name(), s.name(), s, now);
            row.put("sharing", sharing(p.name(), s.name()));
            rows.add(row);
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("title", "Your servers");
        vars.put("xsrf", auth.xsrfFor(ctx));
        vars.put("servers", rows);
        vars.put("spawn_base", "/hub/spawn/" + UrlPaths.escape(p.name()));
        vars.put("services", services(p));
        vars.put("admin", p.scopes().hasUnfiltered("admin-ui"));
        Templates.page(ctx, 200, "home.html", vars);
    }

    /** JupyterHub's Services menu: the services with {@code display} and a url that this user may access. */
    private List<Map<String, String>> services(Principal p) {
        List<Map<String, String>> links = new ArrayList<>();
        for (Services.Service s : services.all()) {
            String name = s.spec().name();
            if (s.spec().display() && !s.spec().url().isEmpty() && p.scopes().allowsService("access:services", name)) {
                links.add(Map.of("name", name, "url", s.spec().prefix()));
            }
        }
        return links;
    }

    private static Map<String, Object> row(String user, String name, ServerRecord s, Instant now) {
        String state = s == null ? "not started" : switch (s.status()) {
            case ServerRecord.RUNNING -> "running";
            case ServerRecord.STARTING -> "starting";
            case ServerRecord.STOPPING -> "stopping";
            default -> "stopped" + (s.stopReason() == null ? "" : " (" + s.stopReason() + ")");
        };
        boolean running = s != null && ServerRecord.RUNNING.equals(s.status());
        Map<String, Object> row = new HashMap<>();
        row.put("name", name);
        row.put("label", name.isEmpty() ? "default" : name);
        row.put("profile", s == null ? "" : s.profile());
        row.put("state", state);
        row.put("last_activity", RelativeTime.of(s == null ? null : s.lastActivity(), now));
        row.put("running", running);
        row.put("pending", s != null && s.active() && !running);
        row.put("open_url", UrlPaths.serverPrefix(user, name));
        row.put("spawn_url", "/hub/spawn/" + UrlPaths.escape(user) + (name.isEmpty() ? "" : "/" + UrlPaths.escape(name)));
        row.put("api", "/hub/api/users/" + UrlPaths.escape(user) + (name.isEmpty() ? "/server" : "/servers/"
                + UrlPaths.escape(name)));
        return row;
    }

    /**
     * Who else may use the server (its shares, each with a revoke button) and the API of share links: a share code
     * whose accept URL the owner sends to whoever should get in.
     */
    private Map<String, Object> sharing(String user, String name) {
        String server = UrlPaths.escape(user) + "/" + UrlPaths.escape(name);
        List<Map<String, String>> who = new ArrayList<>();
        for (ShareRecord share : store.shares().sharesOf(user, name)) {
            who.add(Map.of("kind", share.kind(),
                    "name", share.userName() != null ? share.userName() : share.groupName()));
        }
        return Map.of("shares", who, "shares_api", "/hub/api/shares/" + server,
                "codes_api", "/hub/api/share-codes/" + server);
    }

    private void token(RoutingContext ctx) {
        Principal p = Pages.requireLogin(ctx);
        if (p == null) {
            return;
        }
        Instant now = Templates.of(ctx).clock().instant();
        List<Map<String, Object>> tokens = new ArrayList<>();
        store.tokens(p.name()).stream().filter(t -> t.kind().equals("api")).forEach(t -> {
            Map<String, Object> row = new HashMap<>();
            row.put("id", "a" + t.id());
            row.put("note", t.note());
            row.put("scopes", String.join(" ", t.scopes()));
            row.put("expires", RelativeTime.of(t.expiresAt(), now));
            tokens.add(row);
        });
        Templates.page(ctx, 200, "token.html", Map.of("title", "API tokens", "xsrf", auth.xsrfFor(ctx),
                "api", "/hub/api/users/" + UrlPaths.escape(p.name()) + "/tokens", "tokens", tokens));
    }
}
