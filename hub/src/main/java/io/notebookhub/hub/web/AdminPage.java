package io.notebookhub.hub.web;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.paths.UrlPaths;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.hub.store.UserRecord;
import io.notebookhub.hub.store.UserSort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /hub/admin}: search and page through users with their servers' state, profile and last activity; start,
 * stop, add, delete, make admin; open a server when the admin may access it. Rendered here, with the actions
 * done by admin.js calling the REST API, so the page can never do more than the admin's scopes allow.
 */
public final class AdminPage {
    static final int PAGE_SIZE = 50;

    private final HubStore store;
    private final RequestAuth auth;

    public AdminPage(HubStore store, RequestAuth auth) {
        this.store = store;
        this.auth = auth;
    }

    public void mount(Router router) {
        router.get("/hub/admin").blockingHandler(this::admin, false);
    }

    private void admin(RoutingContext ctx) {
        Principal p = Pages.requireLogin(ctx);
        if (p == null) {
            return;
        }
        if (!p.scopes().hasUnfiltered("admin-ui")) {
            throw HttpError.forbidden("The admin page needs the admin-ui scope (the admin role)");
        }
        String filter = ctx.request().getParam("name_filter", "").strip();
        int offset = nonNegative(ctx.request().getParam("offset"));
        String sortParam = ctx.request().getParam("sort", "name");
        UserSort sort = UserSort.parse(sortParam).orElseThrow(() -> HttpError.badRequest(
                "sort must be 'id', 'name', or 'last_activity', not '" + sortParam + "'"));
        List<UserRecord> page = store.users(offset, PAGE_SIZE, filter, HubStore.UserState.ANY, sort);
        long total = store.countUsers(filter, HubStore.UserState.ANY);
        Map<String, List<ServerRecord>> servers = store.servers(page.stream().map(UserRecord::name).toList());

        List<Map<String, Object>> rows = new ArrayList<>();
        Instant now = Templates.of(ctx).clock().instant();
        for (UserRecord u : page) {
            rows.addAll(rows(p, u, servers.getOrDefault(u.name(), List.of()), now));
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("title", "Admin");
        vars.put("xsrf", auth.xsrfFor(ctx));
        vars.put("filter", filter);
        vars.put("summary", summary(offset, page.size(), total));
        vars.put("sort_name", sortLink(filter, sort, UserSort.Key.NAME));
        vars.put("sort_activity", sortLink(filter, sort, UserSort.Key.LAST_ACTIVITY));
        vars.put("rows", rows);
        String q = "/hub/admin?" + query(filter, sort.value()) + "&offset=";
        vars.put("prev_href", offset > 0 ? q + Math.max(0, offset - PAGE_SIZE) : null);
        vars.put("next_href", offset + page.size() < total ? q + (offset + page.size()) : null);
        Templates.page(ctx, 200, "admin.html", vars);
    }

    private static int nonNegative(String raw) {
        if (raw == null || raw.isEmpty()) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(raw));
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("offset must be a whole number, not '" + raw + "'");
        }
    }

    private static String summary(int offset, int shown, long total) {
        if (total == 0) {
            return "No users match.";
        }
        return shown == 0 ? "No users on this page of " + total + "."
                : "Users " + (offset + 1) + "–" + (offset + shown) + " of " + total;
    }

    /**
     * A column heading that sorts by its key; on the column already sorted by, it reverses the order. Activity
     * starts with the most recent, as an admin looking at activity usually wants.
     */
    private static Map<String, String> sortLink(String filter, UserSort current, UserSort.Key key) {
        boolean active = current.key() == key;
        boolean descendingFirst = key == UserSort.Key.LAST_ACTIVITY;
        boolean nextDescending = active ? !current.descending() : descendingFirst;
        String value = new UserSort(key, nextDescending).value();
        String arrow = !active ? "" : current.descending() ? " \u25BC" : " \u25B2";
        return Map.of("href", "/hub/admin?" + query(filter, value), "arrow", arrow);
    }

    private static String query(String filter, String sort) {
        return (filter.isEmpty() ? "" : "name_filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8) + "&")
                + "sort=" + URLEncoder.encode(sort, StandardCharsets.UTF_8);
    }

    /** One row per server the user has (active, or remembered named ones), or one row when there is none. */
    private static List<Map<String, Object>> rows(Principal admin, UserRecord u, List<ServerRecord> servers,
                                                  Instant now) {
        String api = "/hub/api/users/" + UrlPaths.escape(u.name());
        ServerRecord def = servers.stream().filter(s -> s.name().isEmpty()).findFirst().orElse(null);
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(row(admin, u, api, "", def, false, now));
        for (ServerRecord s : servers) {
            if (!s.name().isEmpty()) {
                out.add(row(admin, u, api, s.name(), s, true, now));
            }
        }
        return out;
    }

    private static Map<String, Object> row(Principal admin, UserRecord u, String api, String name, ServerRecord s,
                                           boolean named, Instant now) {
        String state = s == null ? "not started" : switch (s.status()) {
            case ServerRecord.RUNNING -> "running";
            case ServerRecord.STARTING -> "starting";
            case ServerRecord.STOPPING -> "stopping";
            default -> "stopped";
        };
        boolean running = s != null && ServerRecord.RUNNING.equals(s.status());
        Instant last = s != null && s.lastActivity() != null ? s.lastActivity() : u.lastActivity();
        Map<String, Object> row = new HashMap<>();
        row.put("named", named);
        row.put("user", u.name());
        row.put("admin", u.admin());
        row.put("api", api);
        row.put("server", name);
        row.put("label", name.isEmpty() ? "default" : name);
        row.put("state", state);
        row.put("profile", s == null ? "" : s.profile());
        row.put("last_activity", RelativeTime.of(last, now));
        row.put("running", running);
        row.put("pending", s != null && s.active() && !running);
        row.put("open_url", running && admin.scopes().allowsServer("access:servers", u.name(), name, u.groups())
                ? UrlPaths.serverPrefix(u.name(), name) : null);
        return row;
    }
}
