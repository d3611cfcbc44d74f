package io.notebookhub.hub.api;

import static io.notebookhub.hub.api.ApiSupport.iso;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.auth.Scopes;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.paths.UrlPaths;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.hub.store.ShareCodeRecord;
import io.notebookhub.hub.store.ShareRecord;
import io.notebookhub.hub.users.Users;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** What the share endpoints have in common: JupyterHub 5's share and share-code shapes, lookups, scope rules. */
final class ShareModels {
    private final Users users;
    private final HubStore store;
    private final String publicUrl;

    ShareModels(Users users, HubStore store, String publicUrl) {
        this.users = users;
        this.store = store;
        this.publicUrl = publicUrl;
    }

    Set<String> groupsOf(String user) {
        return users.find(user).map(u -> u.groups()).orElse(Set.of());
    }

    /** The shared server, or JupyterHub's 404. */
    ServerRecord server(String owner, String serverName) {
        if (users.find(owner).isEmpty()) {
            throw HttpError.notFound("No such server: " + owner + "/" + serverName);
        }
        return store.server(owner, serverName)
                .orElseThrow(() -> HttpError.notFound("No such server: " + owner + "/" + serverName));
    }

    /** JupyterHub's truncated server model for shares: owner's name, name, url, full_url, ready. */
    JsonObject serverModel(String owner, String serverName) {
        String url = UrlPaths.serverPrefix(owner, serverName);
        boolean ready = store.server(owner, serverName).map(s -> ServerRecord.RUNNING.equals(s.status()))
                .orElse(false);
        return new JsonObject().put("user", new JsonObject().put("name", owner)).put("name", serverName)
                .put("url", url).put("full_url", publicUrl.isEmpty() ? null : publicUrl + url).put("ready", ready);
    }

    JsonObject share(ShareRecord s) {
        return new JsonObject().put("server", serverModel(s.owner(), s.serverName()))
                .put("scopes", new JsonArray(new ArrayList<>(s.scopes())))
                .put("user", s.userName() == null ? null : new JsonObject().put("name", s.userName()))
                .put("group", s.groupName() == null ? null : new JsonObject().put("name", s.groupName()))
                .put("kind", s.kind()).put("created_at", iso(s.created()));
    }

    JsonObject code(ShareCodeRecord c) {
        return new JsonObject().put("server", serverModel(c.owner(), c.serverName()))
                .put("scopes", new JsonArray(new ArrayList<>(c.scopes()))).put("id", "sc_" + c.id())
                .put("created_at", iso(c.created())).put("expires_at", iso(c.expiresAt()))
                .put("exchange_count", c.exchangeCount()).put("last_exchanged_at", iso(c.lastExchangedAt()));
    }

    JsonObject codeWithSecret(ShareCodeRecord c, String code) {
        String accept = "/hub/accept-share?code=" + URLEncoder.encode(code, StandardCharsets.UTF_8);
        return code(c).put("code", code).put("accept_url", accept)
                .put("full_accept_url", publicUrl.isEmpty() ? null : publicUrl + accept);
    }

    /**
     * The scopes of a new share or code: {@code access:servers} on the server when none are given, every one filtered
     * to {@code !server=owner/server}; an unknown scope or another filter is a 400, as in JupyterHub.
     */
    static List<String> filteredScopes(JsonArray requested, String owner, String serverName) {
        String serverFilter = "server=" + owner + "/" + serverName;
        if (requested.isEmpty()) {
            return List.of("access:servers!" + serverFilter);
        }
        TreeSet<String> out = new TreeSet<>();
        for (Object o : requested) {
            String scope = (String) o;
            int bang = scope.indexOf('!');
            String base = bang < 0 ? scope : scope.substring(0, bang);
            String filter = bang < 0 ? "" : scope.substring(bang + 1);
            if (!Scopes.KNOWN.contains(base) || "self".equals(base) || "inherit".equals(base)) {
                throw HttpError.badRequest("Unknown scope for share: '" + scope + "'");
            }
            if (!filter.isEmpty() && !filter.equals(serverFilter)) {
                throw HttpError.badRequest("!" + filter + " not allowed on sharing " + scope + ", only !"
                        + serverFilter);
            }
            out.add(base + "!" + serverFilter);
        }
        return List.copyOf(out);
    }

    /** JupyterHub's rule: one may only share what one holds oneself (a 403 naming the scope). */
    void needHeld(Principal p, List<String> scopes, String owner, String serverName) {
        Set<String> groups = groupsOf(owner);
        for (String scope : scopes) {
            String base = scope.substring(0, scope.indexOf('!'));
            if (!p.scopes().allowsServer(base, owner, serverName, groups)) {
                throw HttpError.forbidden("Do not have permission to grant share with scope " + scope);
            }
        }
    }

    /** Refuses unknown keys, as JupyterHub's request models do ({@code extra='forbid'}). */
    static void onlyKeys(JsonObject body, Set<String> allowed) {
        for (String key : body.fieldNames()) {
            if (!allowed.contains(key)) {
                throw HttpError.badRequest("'" + key + "': extra inputs are not permitted (expected "
                        + new TreeSet<>(allowed) + ")");
            }
        }
    }

    /** JupyterHub's paginated answer, which the share endpoints always give (the envelope is not optional there). */
    static <T> void page(RoutingContext ctx, List<T> all, Function<T, JsonObject> model) {
        int offset = UsersHandler.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = Math.min(UsersHandler.intParam(ctx, "limit", UsersHandler.DEFAULT_LIMIT, 1, Integer.MAX_VALUE),
                UsersHandler.MAX_LIMIT);
        JsonArray items = new JsonArray();
        all.stream().skip(offset).limit(limit).map(model).forEach(items::add);
        JsonObject next = null;
        if ((long) offset + limit < all.size()) {
            String url = ctx.request().path() + "?offset=" + (offset + limit) + "&limit=" + limit;
            next = new JsonObject().put("offset", offset + limit).put("limit", limit).put("url", url);
        }
        ApiSupport.json(ctx, 200, new JsonObject().put("items", items).put("_pagination", new JsonObject()
                .put("offset", offset).put("limit", limit).put("total", all.size()).put("next", next)));
    }
}
