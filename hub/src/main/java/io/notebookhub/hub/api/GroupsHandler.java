package io.notebookhub.hub.api;

import static io.notebookhub.hub.api.ApiSupport.body;
import static io.notebookhub.hub.api.ApiSupport.json;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.store.GroupRecord;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.users.UserNames;
import io.notebookhub.hub.users.Users;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code /hub/api/groups}: list, create (one or many), read, delete, add and remove members, set properties.
 * Membership changes take effect on the members' permissions at once (their cached identities are dropped).
 */
public final class GroupsHandler {
    private final Users users;
    private final HubStore store;

    public GroupsHandler(Users users, HubStore store) {
        this.users = users;
        this.store = store;
    }

    public void mount(Router router) {
        router.get("/hub/api/groups").blockingHandler(this::list, false);
        router.post("/hub/api/groups").blockingHandler(this::createMany, false);
        router.get("/hub/api/groups/:name").blockingHandler(this::get, false);
        router.post("/hub/api/groups/:name").blockingHandler(this::create, false);
        router.delete("/hub/api/groups/:name").blockingHandler(this::delete, false);
        router.post("/hub/api/groups/:name/users").blockingHandler(this::addUsers, false);
        router.delete("/hub/api/groups/:name/users").blockingHandler(this::removeUsers, false);
        router.put("/hub/api/groups/:name/properties").blockingHandler(this::setProperties, false);
    }

    static JsonObject model(GroupRecord g, Principal caller) {
        JsonObject o = new JsonObject().put("kind", "group").put("name", g.name());
        if (caller.scopes().allowsGroup("read:groups", g.name())) {
            o.put("users", new JsonArray(new ArrayList<>(g.users())))
                    .put("properties", new JsonObject(new java.util.LinkedHashMap<>(g.properties())))
                    .put("roles", new JsonArray());
        }
        return o;
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

    private GroupRecord existing(String name) {
        return store.group(name).orElseThrow(() -> HttpError.notFound("No such group: " + name));
    }

    private static String validName(String raw) {
        String name = raw == null ? "" : raw.strip();
        UserNames.problem(name).ifPresent(problem -> {
            throw HttpError.badRequest("Invalid group name '" + raw + "': " + problem.replace("user name", "group name"));
        });
        return name;
    }

    private void list(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        if (!p.scopes().hasAny("list:groups")) {
            throw HttpError.forbidden("Action is not authorized with current scopes; requires any of [list:groups]");
        }
        int offset = UsersHandler.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = Math.min(UsersHandler.intParam(ctx, "limit", UsersHandler.DEFAULT_LIMIT, 1, Integer.MAX_VALUE),
                UsersHandler.MAX_LIMIT);
        List<GroupRecord> page;
        long total;
        if (p.scopes().hasUnfiltered("list:groups")) {
            page = store.groups(offset, limit);
            total = store.countGroups();
        } else {
            // A group-filtered caller sees only its groups; there are few groups, so filter in memory.
            List<GroupRecord> visible = store.groups(0, Integer.MAX_VALUE).stream()
                    .filter(g -> p.scopes().allowsGroup("list:groups", g.name())).toList();
            total = visible.size();
            page = visible.subList(Math.min(offset, visible.size()), (int) Math.min((long) offset + limit,
                    visible.size()));
        }
        JsonArray items = new JsonArray();
        page.forEach(g -> items.add(model(g, p)));
        long counted = total;
        Pagination.respond(ctx, items, offset, limit, () -> counted);
    }

    private void get(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String name = ctx.pathParam("name");
        needGroup(p, "read:groups:name", name);
        json(ctx, 200, model(existing(name), p));
    }

    private void create(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        ApiSupport.need(p, "admin:groups");
        String name = validName(ctx.pathParam("name"));
        List<String> members = knownUsers(ApiSupport.stringArray(body(ctx), "users"));
        if (!store.createGroup(name)) {
            throw new HttpError(409, "Group " + name + " already exists");
        }
        addMembers(name, members);
        json(ctx, 201, model(existing(name), p));
    }

    private void createMany(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        ApiSupport.need(p, "admin:groups");
        JsonObject body = body(ctx);
        JsonArray names = ApiSupport.stringArray(body, "groups");
        if (names.isEmpty()) {
            throw HttpError.badRequest("'groups' must list at least one group name");
        }
        List<String> members = knownUsers(ApiSupport.stringArray(body, "users"));
        Set<String> valid = new LinkedHashSet<>();
        for (Object n : names) {
            String name = validName((String) n);
            if (store.group(name).isPresent()) {
                throw new HttpError(409, "Group " + name + " already exists");
            }
            valid.add(name);
        }
        JsonArray created = new JsonArray();
        for (String name : valid) {
            store.createGroup(name);
            addMembers(name, members);
            created.add(model(existing(name), p));
        }
        json(ctx, 201, created);
    }

    private void delete(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String name = ctx.pathParam("name");
        needGroup(p, "delete:groups", name);
        GroupRecord g = existing(name);
        store.deleteGroup(name);
        g.users().forEach(users::refresh);
        ctx.response().setStatusCode(204).end();
    }

    private void addUsers(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String name = ctx.pathParam("name");
        needGroup(p, "groups", name);
        existing(name);
        addMembers(name, knownUsers(requiredUsers(ctx)));
        json(ctx, 200, model(existing(name), p));
    }

    private void removeUsers(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String name = ctx.pathParam("name");
        needGroup(p, "groups", name);
        existing(name);
        List<String> members = knownUsers(requiredUsers(ctx));
        store.removeGroupMembers(name, members);
        members.forEach(users::refresh);
        json(ctx, 200, model(existing(name), p));
    }

    private void setProperties(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String name = ctx.pathParam("name");
        needGroup(p, "groups", name);
        existing(name);
        String raw = ctx.body() == null ? "" : ctx.body().asString();
        if (raw == null || raw.isBlank()) {
            throw HttpError.badRequest("The request body must be a JSON object of properties");
        }
        store.setGroupProperties(name, body(ctx).getMap());
        json(ctx, 200, model(existing(name), p));
    }

    private static JsonArray requiredUsers(RoutingContext ctx) {
        JsonObject body = body(ctx);
        if (!body.containsKey("users")) {
            throw HttpError.badRequest("the body needs 'users', a list of user names");
        }
        return ApiSupport.stringArray(body, "users");
    }

    private List<String> knownUsers(JsonArray names) {
        List<String> out = new ArrayList<>();
        for (Object n : names) {
            String name = UserNames.normalize((String) n);
            if (users.find(name).isEmpty()) {
                throw HttpError.badRequest("No such user: " + n);
            }
            out.add(name);
        }
        return out;
    }

    private void addMembers(String group, List<String> members) {
        store.addGroupMembers(group, members);
        members.forEach(users::refresh);
    }
}
