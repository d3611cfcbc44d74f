package io.notebookhub.hub.web;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.http.UrlPaths;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.hub.store.UserRecord;
import io.notebookhub.hub.store.UserSort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code /hub/admin}: search and page through users with their servers' state, profile and last activity; start,
 * stop, add, delete, make admin; open a server when the admin may access it. Rendered here, with the actions
 * done by a little JavaScript calling the REST API, so the page can never do more than the admin's scopes allow.
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

        StringBuilder rows = new StringBuilder();
        for (UserRecord u : page) {
            rows.append(row(p, u, servers.getOrDefault(u.name(), List.of())));
        }
        String body = "<form id=\"search\" method=\"get\" action=\"/hub/admin\"><input id=\"name-filter\" "
                + "name=\"name_filter\" placeholder=\"search users\" value=\"" + Html.escape(filter) + "\"> "
                + "<input type=\"submit\" value=\"Search\"></form>"
                + "<p id=\"admin-error\" class=\"error\" hidden></p>"
                + "<details id=\"add\"><summary>Add users</summary><p><textarea id=\"add-usernames\" rows=\"3\" "
                + "placeholder=\"one user name per line\"></textarea><br><label><input type=\"checkbox\" "
                + "id=\"add-admin\"> admin</label> <button id=\"add-users\">Add users</button></p></details>"
                + "<p id=\"summary\">" + summary(offset, page.size(), total) + "</p>"
                + "<table id=\"users\"><tr><th>" + sortLink("sort-name", "User", filter, sort, UserSort.Key.NAME)
                + "</th><th>Admin</th><th>Server</th><th>State</th><th>Profile</th><th>"
                + sortLink("sort-activity", "Last activity", filter, sort, UserSort.Key.LAST_ACTIVITY)
                + "</th><th></th></tr>" + rows + "</table>"
                + pager(filter, sort, offset, page.size(), total) + script(auth.xsrfFor(ctx));
        Pages.html(ctx, 200, Html.page("Admin", body, p.name()));
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
    private static String sortLink(String id, String label, String filter, UserSort current, UserSort.Key key) {
        boolean active = current.key() == key;
        boolean descendingFirst = key == UserSort.Key.LAST_ACTIVITY;
        boolean nextDescending = active ? !current.descending() : descendingFirst;
        String value = new UserSort(key, nextDescending).value();
        String arrow = !active ? "" : current.descending() ? " ▼" : " ▲";
        return "<a id=\"" + id + "\" href=\"/hub/admin?" + Html.escape(query(filter, value)) + "\">" + label + arrow + "</a>";
    }

    private static String query(String filter, String sort) {
        return (filter.isEmpty() ? "" : "name_filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8) + "&")
                + "sort=" + URLEncoder.encode(sort, StandardCharsets.UTF_8);
    }

    private static String pager(String filter, UserSort sort, int offset, int shown, long total) {
        String q = query(filter, sort.value()) + "&";
        StringBuilder out = new StringBuilder("<p class=\"pager\">");
        if (offset > 0) {
            out.append("<a id=\"prev\" href=\"/hub/admin?").append(Html.escape(q)).append("offset=")
                    .append(Math.max(0, offset - PAGE_SIZE)).append("\">Previous</a> ");
        }
        if (offset + shown < total) {
            out.append("<a id=\"next\" href=\"/hub/admin?").append(Html.escape(q)).append("offset=")
                    .append(offset + shown).append("\">Next</a>");
        }
        return out.append("</p>").toString();
    }

    /** One row per server the user has (active, or remembered named ones), or one row when there is none. */
    private static String row(Principal admin, UserRecord u, List<ServerRecord> servers) {
        String api = "/hub/api/users/" + UrlPaths.escape(u.name());
        String userCells = "<td class=\"name\">" + Html.escape(u.name()) + "</td><td class=\"admin\">"
                + (u.admin() ? "admin" : "") + "</td>";
        String userActions = "<button class=\"toggle-admin\" data-admin=\"" + u.admin() + "\">"
                + (u.admin() ? "Revoke admin" : "Make admin") + "</button> <button class=\"logout-everywhere\" title=\"End "
                + "every browser session of this user now\">Log out everywhere</button> <button class=\"delete-user\">"
                + "Delete user</button>";
        ServerRecord def = servers.stream().filter(s -> s.name().isEmpty()).findFirst().orElse(null);
        StringBuilder out = new StringBuilder();
        out.append("<tr class=\"user\" data-user=\"").append(Html.escape(u.name())).append("\" data-api=\"")
                .append(Html.escape(api)).append("\" data-server=\"\">").append(userCells)
                .append(serverCells(admin, u, "", def)).append("<td>").append(userActions).append("</td></tr>");
        for (ServerRecord s : servers) {
            if (!s.name().isEmpty()) {
                out.append("<tr class=\"named\" data-user=\"").append(Html.escape(u.name())).append("\" data-api=\"")
                        .append(Html.escape(api)).append("\" data-server=\"").append(Html.escape(s.name()))
                        .append("\"><td></td><td></td>").append(serverCells(admin, u, s.name(), s))
                        .append("<td></td></tr>");
            }
        }
        return out.toString();
    }

    private static String serverCells(Principal admin, UserRecord u, String name, ServerRecord s) {
        String state = s == null ? "not started" : switch (s.status()) {
            case ServerRecord.RUNNING -> "running";
            case ServerRecord.STARTING -> "starting";
            case ServerRecord.STOPPING -> "stopping";
            default -> "stopped";
        };
        String actions;
        if (s != null && ServerRecord.RUNNING.equals(s.status())) {
            actions = "<button class=\"stop\">Stop</button>";
            if (admin.scopes().allowsServer("access:servers", u.name(), name, u.groups())) {
                actions += " <a class=\"open\" href=\"" + Html.escape(UrlPaths.serverPrefix(u.name(), name))
                        + "\">Open</a>";
            }
        } else if (s != null && s.active()) {
            actions = "";
        } else {
            actions = "<button class=\"start\">Start</button>";
        }
        java.time.Instant last = s != null && s.lastActivity() != null ? s.lastActivity() : u.lastActivity();
        return "<td class=\"server\">" + Html.escape(name.isEmpty() ? "default" : name) + "</td><td class=\"state\">"
                + Html.escape(state) + "</td><td class=\"profile\">" + Html.escape(s == null ? "" : s.profile())
                + "</td><td class=\"activity\">" + Html.escape(last == null ? "never" : last.toString()) + "</td><td>"
                + actions + "</td>";
    }

    private static String script(String xsrf) {
        return "<script>const xsrf=" + Pages.jsString(xsrf) + ";"
                + "const err=document.getElementById('admin-error');"
                + "async function call(method,url,body){const o={method,headers:{'X-XSRFToken':xsrf}};"
                + "if(body!==undefined){o.headers['Content-Type']='application/json';o.body=JSON.stringify(body);}"
                + "const r=await fetch(url,o);if(!r.ok){let m=r.status+'';try{m=(await r.json()).message;}catch(e){}"
                + "err.textContent=m;err.hidden=false;throw new Error(m);}return r;}"
                + "function serverUrl(tr){const n=tr.dataset.server;return tr.dataset.api+(n?'/servers/'"
                + "+encodeURIComponent(n):'/server');}"
                + "async function settle(tr){for(let i=0;i<240;i++){const r=await fetch(tr.dataset.api);if(r.ok){"
                + "const u=await r.json();const s=(u.servers||{})[tr.dataset.server];if(!s||!s.pending)break;}"
                + "await new Promise(r=>setTimeout(r,500));}location.reload();}"
                + "function act(sel,fn){document.querySelectorAll(sel).forEach(b=>b.onclick=async()=>{b.disabled=true;"
                + "const tr=b.closest('tr');try{await fn(tr,b);}catch(e){b.disabled=false;}});}"
                + "act('button.start',async(tr,b)=>{b.textContent='Starting...';await call('POST',serverUrl(tr),{});"
                + "await settle(tr);});"
                + "act('button.stop',async(tr,b)=>{b.textContent='Stopping...';await call('DELETE',serverUrl(tr));"
                + "await settle(tr);});"
                + "act('button.toggle-admin',async(tr,b)=>{await call('PATCH',tr.dataset.api,"
                + "{admin:b.dataset.admin!=='true'});location.reload();});"
                + "act('button.logout-everywhere',async(tr,b)=>{await call('DELETE',tr.dataset.api+'/sessions');"
                + "b.textContent='Logged out';});"
                + "act('button.delete-user',async(tr,b)=>{if(!confirm('Delete user '+tr.dataset.user+'?')){"
                + "b.disabled=false;return;}await call('DELETE',tr.dataset.api);location.reload();});"
                + "document.getElementById('add-users').onclick=async()=>{const names=document.getElementById("
                + "'add-usernames').value.split(/\\s+/).filter(n=>n);if(!names.length)return;try{await call('POST',"
                + "'/hub/api/users',{usernames:names,admin:document.getElementById('add-admin').checked});"
                + "location.reload();}catch(e){}};</script>";
    }
}
