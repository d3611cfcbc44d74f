package io.notebookhub.hub.api;

import static io.notebookhub.hub.api.ApiSupport.body;
import static io.notebookhub.hub.api.ApiSupport.json;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.servers.ServerManager;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.hub.store.UserRecord;
import io.notebookhub.hub.users.UserNames;
import io.notebookhub.hub.users.Users;
import io.notebookhub.hub.web.ErrorHandling;
import io.notebookhub.spawner.ServerId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Starting and stopping servers, and their progress as Server-Sent Events. */
public final class ServersHandler {
    /** How long a request waits for a spawn or stop before answering 202 (JupyterHub's slow_spawn_timeout). */
    private static final Duration SLOW = Duration.ofSeconds(10);

    private final Users users;
    private final HubStore store;
    private final ServerManager servers;

    public ServersHandler(Users users, HubStore store, ServerManager servers) {
        this.users = users;
        this.store = store;
        this.servers = servers;
    }

    public void mount(Router router) {
        router.post("/hub/api/users/:name/server").blockingHandler(ctx -> start(ctx, ""), false);
        router.delete("/hub/api/users/:name/server").blockingHandler(ctx -> stop(ctx, ""), false);
        router.get("/hub/api/users/:name/server/progress").blockingHandler(ctx -> progress(ctx, ""), false);
        router.post("/hub/api/users/:name/servers/:server").blockingHandler(ctx -> start(ctx, serverName(ctx)), false);
        router.delete("/hub/api/users/:name/servers/:server").blockingHandler(ctx -> stop(ctx, serverName(ctx)), false);
        router.get("/hub/api/users/:name/servers/:server/progress")
                .blockingHandler(ctx -> progress(ctx, serverName(ctx)), false);
    }

    private static String serverName(RoutingContext ctx) {
        String name = ctx.pathParam("server");
        UserNames.serverNameProblem(name).ifPresent(p -> {
            throw HttpError.badRequest("Invalid server name '" + name + "': " + p);
        });
        return name;
    }

    private UserRecord user(RoutingContext ctx, Principal p, String scope, String serverName) {
        String name = ctx.pathParam("name");
        UserRecord u = users.find(name).orElse(null);
        ApiSupport.needServer(p, scope, name, serverName, u == null ? java.util.Set.of() : u.groups());
        if (u == null) {
            throw HttpError.notFound("No such user: " + name);
        }
        return u;
    }

    private void start(RoutingContext ctx, String serverName) {
        Principal p = RequestAuth.require(ctx);
        UserRecord u = user(ctx, p, "servers", serverName);
        JsonObject body = body(ctx);
        Map<String, String> options = new LinkedHashMap<>();
        body.forEach(e -> {
            if (e.getValue() instanceof JsonObject || e.getValue() instanceof io.vertx.core.json.JsonArray) {
                throw HttpError.badRequest("user option '" + e.getKey() + "' must be a single value");
            }
            options.put(e.getKey(), e.getValue() == null ? "" : String.valueOf(e.getValue()));
        });
        Future<ServerRecord> spawn = servers.start(u, serverName, options).compose(ServerManager.Spawn::ready);
        answerWithin(ctx, spawn, 201, () -> new JsonObject().put("status", 202).put("message",
                "Server " + new ServerId(u.name(), serverName) + " is starting; follow its progress_url"));
    }

    private void stop(RoutingContext ctx, String serverName) {
        Principal p = RequestAuth.require(ctx);
        UserRecord u = user(ctx, p, "delete:servers", serverName);
        JsonObject body = body(ctx);
        boolean remove = Boolean.TRUE.equals(body.getValue("remove"));
        ServerRecord s = store.server(u.name(), serverName).orElse(null);
        if (s == null && !serverName.isEmpty()) {
            throw HttpError.notFound("No such server: " + serverName);
        }
        Future<Void> stopping = servers.stop(u.name(), serverName, "stopped by " + p.name());
        if (remove) {
            stopping = stopping.compose(v -> ctx.vertx().executeBlocking(() -> {
                store.deleteServer(u.name(), serverName);
                return null;
            }, false));
        }
        answerWithin(ctx, stopping, 204, null);
    }

    /** Answers {@code doneStatus} if the work finishes quickly, else 202; a failure answers its error. */
    private static <T> void answerWithin(RoutingContext ctx, Future<T> work, int doneStatus,
                                         java.util.function.Supplier<JsonObject> pendingBody) {
        Promise<Boolean> answered = Promise.promise();
        long timer = ctx.vertx().setTimer(SLOW.toMillis(), t -> answered.tryComplete(false));
        work.onComplete(ar -> {
            ctx.vertx().cancelTimer(timer);
            if (ar.failed() && answered.tryComplete(true)) {
                Throwable e = ar.cause();
                ctx.fail(ErrorHandling.statusOf(e) != 500 ? e : new HttpError(500, "Spawn failed: " + e.getMessage()));
            } else if (ar.succeeded() && answered.tryComplete(true)) {
                ctx.response().setStatusCode(doneStatus).end();
            }
        });
        answered.future().onSuccess(done -> {
            if (!done) {
                if (pendingBody == null) {
                    ctx.response().setStatusCode(202).end();
                } else {
                    json(ctx, 202, pendingBody.get());
                }
            }
        });
    }

    private void progress(RoutingContext ctx, String serverName) {
        Principal p = RequestAuth.require(ctx);
        UserRecord u = user(ctx, p, "read:servers", serverName);
        ServerId id = new ServerId(u.name(), serverName);
        ServerRecord s = store.server(u.name(), serverName)
                .orElseThrow(() -> HttpError.notFound("No such server: " + id));
        var response = ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
        Consumer<JsonObject> send = new Consumer<>() {
            @Override
            public void accept(JsonObject event) {
                ctx.vertx().runOnContext(v -> {
                    if (response.ended() || response.closed()) {
                        return;
                    }
                    response.write("data: " + event.encode() + "\n\n");
                    if (event.getBoolean("ready", false) || event.getBoolean("failed", false)) {
                        response.end();
                    }
                });
            }
        };
        boolean known = servers.progress().subscribe(id, send);
        if (!known) {
            // No spawn since the hub started: report the server's current state as the final event.
            boolean ready = ServerRecord.RUNNING.equals(s.status());
            send.accept(new JsonObject().put("progress", 100).put("ready", ready).put("failed", !ready && !s.active())
                    .put("message", ready ? "Server ready" : s.stopReason() == null ? "Server not running"
                            : "Server not running: " + s.stopReason())
                    .put("url", Models.server(s, false).getString("url")));
        }
        response.closeHandler(v -> servers.progress().unsubscribe(id, send));
    }
}
