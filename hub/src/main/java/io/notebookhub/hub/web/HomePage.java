package io.notebookhub.hub.web;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.http.UrlPaths;
import io.notebookhub.hub.services.Services;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.hub.store.ShareRecord;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

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
        List<ServerRecord> servers = store.servers(p.name());
        StringBuilder rows = new StringBuilder();
        boolean hasDefault = servers.stream().anyMatch(s -> s.name().isEmpty());
        if (!hasDefault) {
            rows.append(row(p.name(), "", null));
        }
        for (ServerRecord s : servers) {
            rows.append(row(p.name(), s.name(), s));
            rows.append(sharing(p.name(), s.name()));
        }
        String body = "<table id=\"servers\"><tr><th>Server</th><th>Profile</th><th>State</th><th>Last activity</th>"
                + "<th></th></tr>" + rows + "</table>"
                + "<h2>Named servers</h2><p><input id=\"new-server-name\" placeholder=\"name\"> "
                + "<a id=\"new-server\" href=\"#\" onclick=\"const n=document.getElementById('new-server-name').value;"
                + "if(n)window.location.href='/hub/spawn/" + Html.escape(UrlPaths.escape(p.name()))
                + "/'+encodeURIComponent(n);return false;\">Add new server</a></p>"
                + servicesList(p)
                + (p.scopes().hasUnfiltered("admin-ui") ? "<p><a id=\"admin-link\" href=\"/hub/admin\">Admin</a></p>" : "")
                + script(auth.xsrfFor(ctx)) + SHARING_SCRIPT;
        Pages.html(ctx, 200, Html.page("Your servers", body, p.name()));
    }

    /** JupyterHub's Services menu: the services with {@code display} and a url that this user may access. */
    private String servicesList(Principal p) {
        StringBuilder links = new StringBuilder();
        for (Services.Service s : services.all()) {
            String name = s.spec().name();
            if (s.spec().display() && !s.spec().url().isEmpty() && p.scopes().allowsService("access:services", name)) {
                links.append("<li><a class=\"service\" id=\"service-").append(Html.escape(name)).append("\" href=\"")
                        .append(Html.escape(s.spec().prefix())).append("\">").append(Html.escape(name)).append("</a></li>");
            }
        }
        return links.length() == 0 ? "" : "<h2>Services</h2><ul id=\"services\">" + links + "</ul>";
    }

    private static String row(String user, String name, ServerRecord s) {
        String label = name.isEmpty() ? "default" : name;
        String spawn = "/hub/spawn/" + UrlPaths.escape(user) + (name.isEmpty() ? "" : "/" + UrlPaths.escape(name));
        String api = "/hub/api/users/" + UrlPaths.escape(user) + (name.isEmpty() ? "/server" : "/servers/"
                + UrlPaths.escape(name));
        String state = s == null ? "not started" : switch (s.status()) {
            case ServerRecord.RUNNING -> "running";
            case ServerRecord.STARTING -> "starting";
            case ServerRecord.STOPPING -> "stopping";
            default -> "stopped" + (s.stopReason() == null ? "" : " (" + s.stopReason() + ")");
        };
        String actions;
        if (s != null && ServerRecord.RUNNING.equals(s.status())) {
            actions = "<a class=\"open\" href=\"" + Html.escape(UrlPaths.serverPrefix(user, name)) + "\">Open</a> "
                    + "<button class=\"stop\" data-api=\"" + Html.escape(api) + "\">Stop</button>";
        } else if (s != null && s.active()) {
            actions = "";
        } else {
            actions = "<a class=\"start\" href=\"" + Html.escape(spawn) + "\">Start</a>";
        }
        return "<tr data-server=\"" + Html.escape(name) + "\"><td>" + Html.escape(label) + "</td><td>"
                + Html.escape(s == null ? "" : s.profile()) + "</td><td class=\"state\">" + Html.escape(state)
                + "</td><td>" + Html.escape(s == null || s.lastActivity() == null ? "" : s.lastActivity().toString())
                + "</td><td>" + actions + "</td></tr>";
    }

    /**
     * Who else may use the server (its shares, each with a revoke button) and a button that makes a share link: a
     * share code whose accept URL the owner sends to whoever should get in.
     */
    private String sharing(String user, String name) {
        String server = UrlPaths.escape(user) + "/" + UrlPaths.escape(name);
        StringBuilder who = new StringBuilder();
        for (ShareRecord share : store.shares().sharesOf(user, name)) {
            String recipient = share.userName() != null ? share.userName() : share.groupName();
            who.append("<li class=\"share\" data-kind=\"").append(share.kind()).append("\" data-name=\"")
                    .append(Html.escape(recipient)).append("\">").append(share.kind().equals("group") ? "group " : "")
                    .append(Html.escape(recipient)).append(" <button class=\"unshare\" data-api=\"/hub/api/shares/")
                    .append(Html.escape(server)).append("\">Revoke</button></li>");
        }
        String codes = Html.escape("/hub/api/share-codes/" + server);
        return "<tr class=\"sharing\" data-server=\"" + Html.escape(name) + "\"><td colspan=\"5\">Shared with: "
                + (who.isEmpty() ? "<span class=\"nobody\">nobody</span>" : "<ul class=\"shares\">" + who + "</ul>")
                + " <button class=\"share-link\" data-api=\"" + codes + "\">Make share link</button>"
                + " <button class=\"revoke-links\" data-api=\"" + codes + "\">Revoke share links</button>"
                + " <code class=\"share-url\" hidden></code></td></tr>";
    }

    /** Calls the sharing REST API with the session's cookie and XSRF token ({@code xsrf}, set by {@link #script}). */
    private static final String SHARING_SCRIPT = "<script>"
            + "const json={'X-XSRFToken':xsrf,'Content-Type':'application/json'};"
            + "document.querySelectorAll('button.unshare').forEach(b=>b.onclick=async()=>{"
            + "const li=b.closest('li');const body={};body[li.dataset.kind]=li.dataset.name;"
            + "await fetch(b.dataset.api,{method:'PATCH',headers:json,body:JSON.stringify(body)});location.reload();});"
            + "document.querySelectorAll('button.share-link').forEach(b=>b.onclick=async()=>{"
            + "const r=await fetch(b.dataset.api,{method:'POST',headers:json,body:'{}'});const c=await r.json();"
            + "const out=b.parentElement.querySelector('.share-url');"
            + "out.textContent=r.ok?location.origin+c.accept_url:c.message;out.hidden=false;});"
            + "document.querySelectorAll('button.revoke-links').forEach(b=>b.onclick=async()=>{"
            + "await fetch(b.dataset.api,{method:'DELETE',headers:{'X-XSRFToken':xsrf}});"
            + "const out=b.parentElement.querySelector('.share-url');"
            + "out.textContent='Share links revoked';out.hidden=false;});</script>";

    static String script(String xsrf) {
        return "<script>const xsrf=" + Pages.jsString(xsrf) + ";"
                + "document.querySelectorAll('button.stop').forEach(b=>b.onclick=async()=>{b.disabled=true;"
                + "b.textContent='Stopping...';await fetch(b.dataset.api,{method:'DELETE',headers:{'X-XSRFToken':xsrf}});"
                + "for(let i=0;i<60;i++){const r=await fetch(b.dataset.api.replace(/\\/server(s\\/[^/]+)?$/,''));"
                + "if(r.ok){const u=await r.json();const s=(u.servers||{})[b.closest('tr').dataset.server];"
                + "if(!s||!s.pending)break;}await new Promise(r=>setTimeout(r,500));}location.reload();});</script>";
    }

    private void token(RoutingContext ctx) {
        Principal p = Pages.requireLogin(ctx);
        if (p == null) {
            return;
        }
        String api = "/hub/api/users/" + UrlPaths.escape(p.name()) + "/tokens";
        StringBuilder rows = new StringBuilder();
        store.tokens(p.name()).stream().filter(t -> t.kind().equals("api")).forEach(t -> rows.append("<tr><td>")
                .append(Html.escape(t.note())).append("</td><td>").append(Html.escape(String.join(" ", t.scopes())))
                .append("</td><td>").append(t.expiresAt() == null ? "never" : Html.escape(t.expiresAt().toString()))
                .append("</td><td><button class=\"revoke\" data-id=\"a").append(t.id()).append("\">Revoke</button>")
                .append("</td></tr>"));
        String body = "<form id=\"request-token-form\"><p><label>Note <input id=\"token-note\"></label> "
                + "<label>Expires in <select id=\"token-expires\"><option value=\"\">never</option>"
                + "<option value=\"3600\">1 hour</option><option value=\"86400\">1 day</option>"
                + "<option value=\"604800\">1 week</option></select></label> "
                + "<input type=\"submit\" value=\"Request new API token\"></p></form>"
                + "<p id=\"token-result\" hidden>Your new API token (shown once): <code id=\"token\"></code></p>"
                + "<h2>Tokens</h2><table id=\"tokens\"><tr><th>Note</th><th>Scopes</th><th>Expires</th><th></th></tr>"
                + rows + "</table><script>const xsrf=" + Pages.jsString(auth.xsrfFor(ctx)) + ";const api="
                + Pages.jsString(api) + ";document.getElementById('request-token-form').onsubmit=async e=>{"
                + "e.preventDefault();const body={note:document.getElementById('token-note').value||'Requested via "
                + "token page'};const x=document.getElementById('token-expires').value;if(x)body.expires_in=+x;"
                + "const r=await fetch(api,{method:'POST',headers:{'X-XSRFToken':xsrf,'Content-Type':'application/json'},"
                + "body:JSON.stringify(body)});const t=await r.json();document.getElementById('token').textContent=t.token;"
                + "document.getElementById('token-result').hidden=false;};document.querySelectorAll('button.revoke')"
                + ".forEach(b=>b.onclick=async()=>{await fetch(api+'/'+b.dataset.id,{method:'DELETE',headers:"
                + "{'X-XSRFToken':xsrf}});location.reload();});</script>";
        Pages.html(ctx, 200, Html.page("API tokens", body, p.name()));
    }
}
