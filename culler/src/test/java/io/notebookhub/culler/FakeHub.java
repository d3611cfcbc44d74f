package io.notebookhub.culler;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small JupyterHub for the REST target: the users list with JupyterHub's pagination envelope, the server and
 * user DELETE endpoints with their 202/204 answers, and each server's {@code api/kernels} and
 * {@code api/terminals} under {@code /user/<name>/}, all behind one API token.
 */
final class FakeHub implements AutoCloseable {
    static final String TOKEN = "culler-service-token";
    private static final String PAGINATION = "application/jupyterhub-pagination+json";

    /** user name -> user model; insertion order is the hub's id order. */
    final Map<String, JsonObject> users = Collections.synchronizedMap(new java.util.LinkedHashMap<>());
    /** "METHOD raw-path?query [Accept]" of every hub API request, in order. */
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    /** "user" or "user/server" -> HTTP status its DELETE answers (default 204). */
    final Map<String, Integer> stopStatus = new ConcurrentHashMap<>();
    /** "user" or "user/server" -> body of its DELETE. */
    final Map<String, String> stopBodies = new ConcurrentHashMap<>();
    /** server path ({@code /user/alice/}) -> [kernels JSON, terminals JSON or null for 404]. */
    final Map<String, String[]> serverState = new ConcurrentHashMap<>();
    final List<String> stateTokens = Collections.synchronizedList(new ArrayList<>());
    volatile int pageSize = 2;

    private final HttpServer server;

    FakeHub(Vertx vertx) throws Exception {
        Router router = Router.router(vertx);
        router.route("/hub/api/*").handler(this::authorize);
        router.route("/hub/api/*").handler(BodyHandler.create());
        router.get("/hub/api/users").handler(this::listUsers);
        router.delete("/hub/api/users/:name/server").handler(ctx -> stop(ctx, ctx.pathParam("name"), ""));
        router.delete("/hub/api/users/:name/servers/:server")
                .handler(ctx -> stop(ctx, ctx.pathParam("name"), ctx.pathParam("server")));
        router.delete("/hub/api/users/:name").handler(this::deleteUser);
        router.get("/user/*").handler(this::serverApi);
        server = Servers.await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    }

    URI apiUrl() {
        return URI.create("http://127.0.0.1:" + server.actualPort() + "/hub/api");
    }

    int port() {
        return server.actualPort();
    }

    void addUser(String name, boolean admin, Instant lastActivity, JsonObject... servers) {
        JsonObject map = new JsonObject();
        for (JsonObject s : servers) {
            map.put(s.getString("name"), s);
        }
        users.put(name, new JsonObject().put("kind", "user").put("name", name).put("admin", admin)
                .put("created", "2025-01-01T00:00:00.000000Z").put("last_activity", iso(lastActivity))
                .put("servers", map).put("pending", null));
    }

    /** A server model as JupyterHub 5 writes it, plus our hub's {@code last_interactive_activity}. */
    static JsonObject server(String user, String name, String profile, Instant started, Instant lastActivity,
                             Instant lastInteractive) {
        String url = "/user/" + quote(user) + "/" + (name.isEmpty() ? "" : quote(name) + "/");
        return new JsonObject().put("name", name).put("ready", true).put("stopped", false).put("pending", null)
                .put("url", url).put("progress_url", "/hub/api/users/" + user + "/server/progress")
                .put("started", iso(started)).put("last_activity", iso(lastActivity))
                .put("last_interactive_activity", lastInteractive == null ? null : iso(lastInteractive))
                .put("state", null).put("user_options", profile == null ? new JsonObject() : new JsonObject().put("profile", profile));
    }

    /** As JupyterHub's url_path_join(quote(name, safe='@~')). */
    static String quote(String name) {
        return java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")
                .replace("%40", "@").replace("%7E", "~");
    }

    static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    private void authorize(RoutingContext ctx) {
        requests.add(ctx.request().method() + " " + ctx.request().uri() + " [" + ctx.request().getHeader("Accept") + "]");
        if (!("token " + TOKEN).equals(ctx.request().getHeader("Authorization"))) {
            error(ctx, 403, "Missing or invalid credentials");
            return;
        }
        ctx.next();
    }

    private void listUsers(RoutingContext ctx) {
        String state = ctx.queryParams().get("state");
        List<JsonObject> matching = new ArrayList<>();
        synchronized (users) {
            for (JsonObject u : users.values()) {
                boolean ready = u.getJsonObject("servers").stream()
                        .anyMatch(e -> ((JsonObject) e.getValue()).getBoolean("ready"));
                boolean active = !u.getJsonObject("servers").isEmpty();
                if (state == null || ("ready".equals(state) && ready) || ("inactive".equals(state) && !active)) {
                    matching.add(u.copy());
                }
            }
        }
        String accept = ctx.request().getHeader("Accept");
        if (accept == null || !accept.contains(PAGINATION)) {
            json(ctx, 200, new JsonArray(new ArrayList<>(matching)).encode());
            return;
        }
        int offset = intParam(ctx, "offset", 0);
        int limit = intParam(ctx, "limit", pageSize);
        List<JsonObject> page = matching.subList(Math.min(offset, matching.size()), Math.min(offset + limit, matching.size()));
        JsonObject next = null;
        if (offset + limit < matching.size()) {
            // JupyterHub builds this from the Host header; a different host name shows the client keeps its own.
            next = new JsonObject().put("offset", offset + limit).put("limit", limit)
                    .put("url", "http://hub.example.invalid:" + port() + "/hub/api/users?state=" + state
                            + "&offset=" + (offset + limit) + "&limit=" + limit);
        }
        JsonObject body = new JsonObject().put("items", new JsonArray(new ArrayList<>(page)))
                .put("_pagination", new JsonObject().put("offset", offset).put("limit", limit)
                        .put("total", matching.size()).put("next", next));
        json(ctx, 200, body.encode());
    }

    private void stop(RoutingContext ctx, String user, String serverName) {
        String key = serverName.isEmpty() ? user : user + "/" + serverName;
        JsonObject u = users.get(user);
        if (u == null || !u.getJsonObject("servers").containsKey(serverName)) {
            error(ctx, 404, "No such server " + key);
            return;
        }
        stopBodies.put(key, ctx.body().asString() == null ? "" : ctx.body().asString());
        int status = stopStatus.getOrDefault(key, 204);
        if (status == 204) {
            u.getJsonObject("servers").remove(serverName);
        } else if (status == 202) {
            u.getJsonObject("servers").getJsonObject(serverName).put("ready", false).put("pending", "stop");
        } else {
            error(ctx, status, "Spawner failed to stop " + key);
            return;
        }
        ctx.response().setStatusCode(status).end();
    }

    private void deleteUser(RoutingContext ctx) {
        if (users.remove(ctx.pathParam("name")) == null) {
            error(ctx, 404, "No such user");
            return;
        }
        ctx.response().setStatusCode(204).end();
    }

    private void serverApi(RoutingContext ctx) {
        String path = ctx.request().path();
        stateTokens.add(ctx.request().getHeader("Authorization"));
        if (!("token " + TOKEN).equals(ctx.request().getHeader("Authorization"))) {
            error(ctx, 403, "Forbidden");
            return;
        }
        for (Map.Entry<String, String[]> e : serverState.entrySet()) {
            String[] bodies = e.getValue();
            if (path.equals(e.getKey() + "api/kernels")) {
                json(ctx, 200, bodies[0]);
                return;
            }
            if (path.equals(e.getKey() + "api/terminals") && bodies[1] != null) {
                json(ctx, 200, bodies[1]);
                return;
            }
        }
        error(ctx, 404, "Not Found");
    }

    private static int intParam(RoutingContext ctx, String name, int fallback) {
        String v = ctx.queryParams().get(name);
        return v == null ? fallback : Integer.parseInt(v);
    }

    private static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, new JsonObject().put("status", status).put("message", message).encode());
    }

    private static void json(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    @Override
    public void close() throws Exception {
        Servers.await(server.close());
    }
}
