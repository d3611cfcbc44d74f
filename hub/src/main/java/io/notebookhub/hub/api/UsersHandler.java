package io.notebookhub.hub.api;

import static io.notebookhub.hub.api.ApiSupport.body;
import static io.notebookhub.hub.api.ApiSupport.json;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.login.Authenticator;
import io.notebookhub.hub.servers.ServerManager;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.HubStore.UserState;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.hub.store.UserRecord;
import io.notebookhub.hub.store.UserSort;
import io.notebookhub.hub.users.UserNames;
import io.notebookhub.hub.users.Users;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;


/** {@code /hub/api/users} and {@code /hub/api/users/<name>}: JupyterHub's user resource. */
public final class UsersHandler {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    private final Users users;
    private final HubStore store;
    private final ServerManager servers;
    private final Authenticator authenticator;

    public UsersHandler(Users users, HubStore store, ServerManager servers, Authenticator authenticator) {
        this.users = users;
        this.store = store;
        this.servers = servers;
        this.authenticator = authenticator;
    }

    public void mount(Router router) {
        router.get("/hub/api/users").blockingHandler(this::list, false);
        router.post("/hub/api/users").blockingHandler(this::createMany, false);
        router.get("/hub/api/users/:name").blockingHandler(this::get, false);
        router.post("/hub/api/users/:name").blockingHandler(this::create, false);
        router.patch("/hub/api/users/:name").blockingHandler(this::patch, false);
        router.delete("/hub/api/users/:name").blockingHandler(this::delete, false);
    }

    private void list(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        if (!p.scopes().hasAny("list:users")) {
            throw HttpError.forbidden("Action is not authorized with current scopes; requires any of [list:users]");
        }
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = intParam(ctx, "limit", DEFAULT_LIMIT, 1, Integer.MAX_VALUE);
        limit = Math.min(limit, MAX_LIMIT);
        String nameFilter = ctx.request().getParam("name_filter", "");
        UserState state = state(ctx.request().getParam("state", ""));
        UserSort sort = sort(ctx.request().getParam("sort", "id"));
        boolean includeStopped = flag(ctx, "include_stopped_servers");

        List<UserRecord> page;
        java.util.function.LongSupplier total;
        if (p.scopes().hasUnfiltered("list:users")) {
            page = store.users(offset, limit, nameFilter, state, sort);
            total = () -> store.countUsers(nameFilter, state);
        } else {
            // Filtered callers (a user's own token, a group-scoped token) see few users; filter in memory.
            List<UserRecord> visible = new ArrayList<>();
            int seen = 0;
            for (int from = 0; ; from += 1000) {
                List<UserRecord> chunk = store.users(from, 1000, nameFilter, state, sort);
                for (UserRecord u : chunk) {
                    if (p.scopes().allowsUser("list:users", u.name(), u.groups())) {
                        if (seen++ >= offset && visible.size() < limit) {
                            visible.add(u);
                        }
                    }
                }
                if (chunk.size() < 1000) {
                    break;
                }
            }
            page = visible;
            long seenTotal = seen;
            total = () -> seenTotal;
        }
        JsonArray items = new JsonArray();
        // One servers query for the whole page, not one per user.
        Map<String, List<ServerRecord>> serversByUser = store.servers(page.stream().map(UserRecord::name).toList());
        for (UserRecord u : page) {
            items.add(Models.user(u, serversByUser.getOrDefault(u.name(), List.of()), p, includeStopped));
        }
        Pagination.respond(ctx, items, offset, limit, total);
    }

    private static UserState state(String value) {
        return switch (value) {
            case "" -> UserState.ANY;
            case "active" -> UserState.ACTIVE;
            case "ready" -> UserState.READY;
            case "inactive" -> UserState.INACTIVE;
            default -> throw HttpError.badRequest("state must be one of active, ready, inactive, not '" + value + "'");
        };
    }

    /** JupyterHub 5's {@code sort}: {@code id} (creation order, the default), {@code name}, {@code last_activity}. */
    static UserSort sort(String value) {
        return UserSort.parse(value).orElseThrow(() -> HttpError.badRequest(
                "sort must be 'id', 'name', or 'last_activity', not '" + value + "'"));
    }

    /** A boolean query flag; JupyterHub counts a bare {@code ?include_stopped_servers} as true. */
    static boolean flag(RoutingContext ctx, String name) {
        String raw = ctx.request().getParam(name);
        if (raw == null) {
            return false;
        }
        return switch (raw.toLowerCase(java.util.Locale.ROOT)) {
            case "", "1", "true", "yes" -> true;
            case "0", "false", "no" -> false;
            default -> throw HttpError.badRequest(name + " must be true or false, not '" + raw + "'");
        };
    }

    static int intParam(RoutingContext ctx, String name, int def, int min, int max) {
        String raw = ctx.request().getParam(name);
        if (raw == null || raw.isEmpty()) {
            return def;
        }
        try {
            int v = Integer.parseInt(raw);
            if (v < min || v > max) {
                throw HttpError.badRequest(name + " must be at least " + min + ", not " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw HttpError.badRequest(name + " must be a whole number, not '" + raw + "'");
        }
    }

    private UserRecord existing(String name) {
        return users.find(name).orElseThrow(() -> HttpError.notFound("No such user: " + name));
    }

    private void get(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String name = ctx.pathParam("name");
        UserRecord u = users.find(name).orElse(null);
        ApiSupport.needUser(p, "read:users:name", name, u == null ? java.util.Set.of() : u.groups());
        if (u == null) {
            throw HttpError.notFound("No such user: " + name);
        }
        JsonObject model = Models.user(u, store.servers(u.name()), p, flag(ctx, "include_stopped_servers"));
        if (model.containsKey("auth_state")) {
            // As JupyterHub: the list shows the placeholder, the single user's model the decrypted state.
            model.put("auth_state", authenticator.authState(u.name()).orElse(null));
        }
        json(ctx, 200, model);
    }

    private static String validName(String raw) {
        String name = UserNames.normalize(raw);
        UserNames.problem(name).ifPresent(problem -> {
            throw HttpError.badRequest("Invalid username '" + raw + "': " + problem);
        });
        return name;
    }

    private void create(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        ApiSupport.need(p, "admin:users");
        String name = validName(ctx.pathParam("name"));
        JsonObject body = body(ctx);
        if (users.find(name).isPresent()) {
            throw new HttpError(409, "User " + name + " already exists");
        }
        users.ensure(name);
        if (body.getValue("admin") instanceof Boolean admin && admin) {
            users.setAdmin(name, true);
        }
        UserRecord u = existing(name);
        json(ctx, 201, Models.user(u, List.of(), p, false));
    }

    private void createMany(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        ApiSupport.need(p, "admin:users");
        JsonObject body = body(ctx);
        JsonArray names = ApiSupport.stringArray(body, "usernames");
        if (names.isEmpty()) {
            throw HttpError.badRequest("'usernames' must list at least one user name");
        }
        boolean admin = Boolean.TRUE.equals(body.getValue("admin"));
        List<String> valid = new ArrayList<>();
        for (Object n : names) {
            valid.add(validName((String) n));
        }
        List<UserRecord> createdUsers = users.ensureAll(valid, admin);
        if (createdUsers.isEmpty()) {
            throw new HttpError(409, "All " + valid.size() + " users already exist");
        }
        JsonArray created = new JsonArray();
        for (UserRecord u : createdUsers) {
            created.add(Models.user(u, List.of(), p, false));
        }
        json(ctx, 201, created);
    }

    private void patch(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String name = ctx.pathParam("name");
        ApiSupport.needUser(p, "admin:users", name, users.find(name).map(UserRecord::groups).orElse(java.util.Set.of()));
        UserRecord u = existing(name);
        JsonObject body = body(ctx);
        for (String key : body.fieldNames()) {
            if (!key.equals("admin") && !key.equals("name")) {
                throw HttpError.badRequest("cannot change '" + key + "' of a user; only 'admin' and 'name'");
            }
        }
        if (body.containsKey("name") && !body.getValue("name").equals(u.name())) {
            throw HttpError.badRequest("renaming users is not supported");
        }
        if (body.containsKey("admin")) {
            if (!(body.getValue("admin") instanceof Boolean admin)) {
                throw HttpError.badRequest("'admin' must be true or false");
            }
            users.setAdmin(name, admin);
        }
        json(ctx, 200, Models.user(existing(name), store.servers(name), p, false));
    }

    private void delete(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String name = ctx.pathParam("name");
        UserRecord u = users.find(name).orElse(null);
        ApiSupport.needUser(p, "delete:users", name, u == null ? java.util.Set.of() : u.groups());
        if (u == null) {
            throw HttpError.notFound("No such user: " + name);
        }
        List<ServerRecord> active = store.servers(name).stream().filter(ServerRecord::active).toList();
        if (active.stream().anyMatch(s -> !ServerRecord.RUNNING.equals(s.status()))) {
            throw HttpError.badRequest("User " + name + " has a server starting or stopping; try again when it is done");
        }
        List<Future<Void>> stops = active.stream()
                .map(s -> servers.stop(name, s.name(), "user deleted")).toList();
        Future.all(stops).onComplete(ar -> ctx.vertx().executeBlocking(() -> users.delete(name), false)
                .compose(deleted -> servers.userDeleted(name))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail));
    }

}
