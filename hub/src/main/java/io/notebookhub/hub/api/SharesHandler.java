package io.notebookhub.hub.api;

import static io.notebookhub.hub.api.ApiSupport.body;
import static io.notebookhub.hub.api.ApiSupport.json;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ShareRecord;
import io.notebookhub.hub.store.ShareStore;
import io.notebookhub.hub.users.UserNames;
import io.notebookhub.hub.users.Users;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JupyterHub 5's sharing: {@code /hub/api/shares/<owner>[/<server>]} (list, grant, revoke some or all),
 * {@code /hub/api/users/<name>/shared[/<owner>/<server>]} and {@code /hub/api/groups/<name>/shared[...]} (what is
 * shared with a user or group; leave a share). A change takes effect on the recipients' very next request: the
 * store's share version moves and every permission derived from shares is recomputed.
 */
public final class SharesHandler {
    private static final Logger log = LoggerFactory.getLogger(SharesHandler.class);
    private static final Set<String> GRANT_KEYS = Set.of("user", "group", "scopes");

    private final Users users;
    private final HubStore store;
    private final ShareModels models;
    private final Clock clock;

    public SharesHandler(Users users, HubStore store, String publicUrl, Clock clock) {
        this.users = users;
        this.store = store;
        this.models = new ShareModels(users, store, publicUrl);
        this.clock = clock;
    }

    public void mount(Router router) {
        route(router, HttpMethod.GET, "/shares/{owner}", this::listOwner);
        route(router, HttpMethod.GET, "/shares/{owner}/{server_name}", this::listServer);
        route(router, HttpMethod.POST, "/shares/{owner}/{server_name}", this::grant);
        route(router, HttpMethod.PATCH, "/shares/{owner}/{server_name}", this::revoke);
        route(router, HttpMethod.DELETE, "/shares/{owner}/{server_name}", this::revokeAll);
        for (HttpMethod m : List.of(HttpMethod.POST, HttpMethod.PATCH, HttpMethod.DELETE)) {
            router.routeWithRegex(m, "/hub/api/shares/([^/]+)").handler(ctx -> {
                throw new HttpError(405, "Method Not Allowed");
            });
        }
        route(router, HttpMethod.GET, "/users/{name}/shared", this::listUser);
        route(router, HttpMethod.GET, "/users/{name}/shared/{owner}/{server_name}", this::getUserShare);
        route(router, HttpMethod.DELETE, "/users/{name}/shared/{owner}/{server_name}", this::leaveUserShare);
        route(router, HttpMethod.GET, "/groups/{name}/shared", this::listGroup);
        route(router, HttpMethod.GET, "/groups/{name}/shared/{owner}/{server_name}", this::getGroupShare);
        route(router, HttpMethod.DELETE, "/groups/{name}/shared/{owner}/{server_name}", this::leaveGroupShare);
    }

    /**
     * A route for a documented path such as {@code /shares/{owner}/{server_name}} (named so, for the OpenAPI check);
     * a server name may be empty, the default server's, which Vert.x's {@code :param} never matches.
     */
    static void route(Router router, HttpMethod method, String documented, Handler<RoutingContext> handler) {
        String regex = "/hub/api" + documented.replace("{server_name}", "([^/]*)").replaceAll("\\{[a-z_]+}", "([^/]+)");
        router.routeWithRegex(method, regex).setName("/hub/api" + documented).blockingHandler(handler, false);
    }

    static String param(RoutingContext ctx, int i) {
        return ctx.pathParam("param" + i);
    }

    private ShareStore shares() {
        return store.shares();
    }

    private void listOwner(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String owner = param(ctx, 0);
        ApiSupport.needUser(p, "read:shares", owner, models.groupsOf(owner));
        if (users.find(owner).isEmpty()) {
            throw HttpError.notFound("No such user: " + owner);
        }
        ShareModels.page(ctx, shares().sharesOf(owner, null), models::share);
    }

    private void listServer(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String owner = param(ctx, 0);
        String server = param(ctx, 1);
        ApiSupport.needServer(p, "read:shares", owner, server, models.groupsOf(owner));
        models.server(owner, server);
        ShareModels.page(ctx, shares().sharesOf(owner, server), models::share);
    }

    /** The recipient named in a grant or revoke body: exactly one of {@code user} and {@code group}. */
    private record Recipient(String kind, String name) {}

    private static Recipient recipient(JsonObject body) {
        ShareModels.onlyKeys(body, GRANT_KEYS);
        Object user = body.getValue("user");
        Object group = body.getValue("group");
        if (user != null && group != null) {
            throw HttpError.badRequest("Expected exactly one of `user` or `group`, not both.");
        }
        if (user == null && group == null) {
            throw HttpError.badRequest("Specify exactly one of `user` or `group`");
        }
        Object name = user != null ? user : group;
        if (!(name instanceof String s) || s.isEmpty()) {
            throw HttpError.badRequest("'" + (user != null ? "user" : "group") + "' must be a name");
        }
        return user != null ? new Recipient("user", UserNames.normalize(s)) : new Recipient("group", s);
    }

    private void grant(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String owner = param(ctx, 0);
        String server = param(ctx, 1);
        ApiSupport.needServer(p, "shares", owner, server, models.groupsOf(owner));
        JsonObject body = body(ctx);
        Recipient to = recipient(body);
        List<String> scopes = ShareModels.filteredScopes(ApiSupport.stringArray(body, "scopes"), owner, server);
        models.server(owner, server);
        models.needHeld(p, scopes, owner, server);
        // JupyterHub also wants read:users:name / read:groups:name on the recipient; here a server's owner may name
        // anyone (without being able to list or read users otherwise), others need the scope.
        boolean owns = p.isUser() && p.name().equals(owner);
        if (to.kind().equals("user")) {
            Set<String> groups = users.find(to.name()).map(u -> u.groups()).orElse(Set.of());
            if (!owns && !p.scopes().allowsUser("read:users:name", to.name(), groups)) {
                throw HttpError.forbidden("Need scope 'read:users:name' to share with users by name");
            }
            if (users.find(to.name()).isEmpty()) {
                throw HttpError.badRequest("No such user: " + to.name());
            }
        } else {
            if (!owns && !p.scopes().allowsGroup("read:groups:name", to.name())) {
                throw HttpError.forbidden("Need scope 'read:groups:name' to share with groups by name");
            }
            if (store.group(to.name()).isEmpty()) {
                throw HttpError.badRequest("No such group: " + to.name());
            }
        }
        ShareRecord share = shares().grant(owner, server, to.kind(), to.name(), scopes, clock.instant());
        log.info("{} shared {}/{} with {} {}: {}", p.name(), owner, server, to.kind(), to.name(), share.scopes());
        json(ctx, 200, models.share(share));
    }

    private void revoke(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String owner = param(ctx, 0);
        String server = param(ctx, 1);
        ApiSupport.needServer(p, "shares", owner, server, models.groupsOf(owner));
        JsonObject body = body(ctx);
        Recipient from = recipient(body);
        JsonArray requested = ApiSupport.stringArray(body, "scopes");
        models.server(owner, server);
        // Revoking "access:servers" means the one on this server, the only one a share can hold.
        List<String> scopes = requested.isEmpty() ? null : requested.stream().map(o -> (String) o)
                .map(s -> s.contains("!") ? s : s + "!server=" + owner + "/" + server).toList();
        Optional<ShareRecord> left = shares().revoke(owner, server, from.kind(), from.name(), scopes);
        log.info("{} revoked {} on {}/{} from {} {}", p.name(), scopes == null ? "all scopes" : scopes, owner, server,
                from.kind(), from.name());
        json(ctx, 200, left.map(models::share).orElseGet(JsonObject::new));
    }

    private void revokeAll(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String owner = param(ctx, 0);
        String server = param(ctx, 1);
        ApiSupport.needServer(p, "shares", owner, server, models.groupsOf(owner));
        models.server(owner, server);
        int deleted = shares().deleteShares(owner, server);
        log.info("{} deleted all {} shares of {}/{}", p.name(), deleted, owner, server);
        ctx.response().setStatusCode(204).end();
    }

    private void listUser(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String name = param(ctx, 0);
        Set<String> groups = models.groupsOf(name);
        ApiSupport.needUser(p, "read:users:shares", name, groups);
        if (users.find(name).isEmpty()) {
            throw HttpError.notFound("No such user: " + name);
        }
        ShareModels.page(ctx, shares().sharesWith(name, groups), models::share);
    }

    private ShareRecord userShare(RoutingContext ctx, String scope) {
        Principal p = RequestAuth.require(ctx);
        String name = param(ctx, 0);
        String owner = param(ctx, 1);
        String server = param(ctx, 2);
        ApiSupport.needUser(p, scope, name, models.groupsOf(name));
        return shares().find(owner, server, "user", name).orElseThrow(() -> HttpError.notFound(
                "No such share for user " + name + " on " + owner + "/" + server));
    }

    private void getUserShare(RoutingContext ctx) {
        json(ctx, 200, models.share(userShare(ctx, "read:users:shares")));
    }

    private void leaveUserShare(RoutingContext ctx) {
        ShareRecord share = userShare(ctx, "users:shares");
        shares().deleteShare(share.id());
        log.info("{} left the share of {}/{}", share.userName(), share.owner(), share.serverName());
        ctx.response().setStatusCode(204).end();
    }

    private void listGroup(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String name = param(ctx, 0);
        needGroup(p, "read:groups:shares", name);
        if (store.group(name).isEmpty()) {
            throw HttpError.notFound("No such group: " + name);
        }
        ShareModels.page(ctx, shares().sharesWithGroup(name), models::share);
    }

    private ShareRecord groupShare(RoutingContext ctx, String scope) {
        Principal p = RequestAuth.require(ctx);
        String name = param(ctx, 0);
        String owner = param(ctx, 1);
        String server = param(ctx, 2);
        needGroup(p, scope, name);
        return shares().find(owner, server, "group", name).orElseThrow(() -> HttpError.notFound(
                "No such share for group " + name + " on " + owner + "/" + server));
    }

    private void getGroupShare(RoutingContext ctx) {
        json(ctx, 200, models.share(groupShare(ctx, "read:groups:shares")));
    }

    private void leaveGroupShare(RoutingContext ctx) {
        ShareRecord share = groupShare(ctx, "groups:shares");
        shares().deleteShare(share.id());
        log.info("group {} left the share of {}/{}", share.groupName(), share.owner(), share.serverName());
        ctx.response().setStatusCode(204).end();
    }

    private static void needGroup(Principal p, String scope, String group) {
        if (p.scopes().allowsGroup(scope, group)) {
            return;
        }
        if (p.scopes().hasAny(scope)) {
            throw HttpError.notFound("No access to resources or resources not found");
        }
        throw HttpError.forbidden("Action is not authorized with current scopes; requires any of [" + scope + "]");
    }
}
