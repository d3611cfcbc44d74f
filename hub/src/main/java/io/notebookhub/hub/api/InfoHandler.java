package io.notebookhub.hub.api;

import static io.notebookhub.hub.api.ApiSupport.json;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.health.HubHealth;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.hub.store.UserRecord;
import io.notebookhub.hub.users.Users;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** {@code /hub/api/} (version), {@code /hub/api/info}, {@code /hub/api/user} (whoami) and {@code /hub/health}. */
public final class InfoHandler {
    /** The JupyterHub API version we speak; single-user servers only warn when theirs differs. */
    public static final String JUPYTERHUB_VERSION = "5.2.1";

    /** Our own description of the API we implement, packed in the jar. */
    static final String OPENAPI = openApi();

    private final Users users;
    private final HubStore store;
    private final String spawnerId;
    private final HubHealth health;

    public InfoHandler(Users users, HubStore store, String spawnerId, HubHealth health) {
        this.users = users;
        this.store = store;
        this.spawnerId = spawnerId;
        this.health = health;
    }

    private io.notebookhub.hub.services.Services services;

    /** The hub's configured services, so that whoami names a service's roles. */
    public InfoHandler withServices(io.notebookhub.hub.services.Services services) {
        this.services = services;
        return this;
    }

    public void mount(Router router) {
        router.route("/hub/api*").handler(ctx -> {
            ctx.response().putHeader("X-JupyterHub-Version", JUPYTERHUB_VERSION);
            ctx.next();
        });
        router.get("/hub/api").handler(this::version);
        router.get("/hub/api/").handler(this::version);
        router.get("/hub/api/info").handler(this::info);
        router.get("/hub/api/user").handler(this::whoami);
        router.get("/hub/api/openapi.yaml").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/yaml; charset=utf-8").end(OPENAPI));
        router.get("/hub/health").handler(this::health);
    }

    private static String openApi() {
        try (var in = InfoHandler.class.getResourceAsStream("/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the jar");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void health(RoutingContext ctx) {
        List<String> problems = health.problems();
        if (problems.isEmpty()) {
            json(ctx, 200, new JsonObject().put("status", "ok"));
        } else {
            json(ctx, 503, new JsonObject().put("status", "unhealthy").put("reasons", new JsonArray(problems)));
        }
    }

    private void version(RoutingContext ctx) {
        json(ctx, 200, new JsonObject().put("version", JUPYTERHUB_VERSION));
    }

    private void info(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        ApiSupport.need(p, "read:hub");
        json(ctx, 200, new JsonObject().put("version", JUPYTERHUB_VERSION)
                .put("python", "n/a (Notebook Hub, Java " + Runtime.version().feature() + ")")
                .put("sys_executable", "java")
                .put("spawner", new JsonObject().put("class", spawnerId).put("version", "0.1.0"))
                .put("authenticator", new JsonObject().put("class", "notebook-hub").put("version", "0.1.0")));
    }

    /**
     * Every notebook server asks this with its token, and JupyterHub's services with each request they check, so it
     * is answered on the event loop whenever the caches hold the user and their servers; otherwise a worker reads
     * the store.
     */
    private void whoami(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        if (!p.isUser()) {
            json(ctx, 200, serviceModel(p));
            return;
        }
        Optional<UserRecord> cachedUser = users.cached(p.name()).flatMap(u -> u);
        Optional<List<ServerRecord>> cachedServers = cachedUser.isPresent() ? store.cachedServers(p.name())
                : Optional.empty();
        if (cachedServers.isPresent()) {
            json(ctx, 200, userModel(p, cachedUser.get(), cachedServers.get()));
            return;
        }
        ctx.vertx().executeBlocking(() -> {
            UserRecord u = users.find(p.name()).orElseThrow();
            return userModel(p, u, store.servers(u.name()));
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                json(ctx, 200, ar.result());
            }
        });
    }

    private JsonObject serviceModel(Principal p) {
        List<String> roles = services == null ? List.of() : services.find(p.name())
                .map(io.notebookhub.hub.services.Services.Service::roles).orElse(List.of("admin"));
        return new JsonObject().put("kind", "service").put("name", p.name()).put("admin", p.admin())
                .put("roles", new JsonArray(roles.isEmpty() && services == null ? List.of("admin") : roles))
                .put("scopes", scopes(p));
    }

    private static JsonObject userModel(Principal p, UserRecord u, List<ServerRecord> servers) {
        return Models.user(u, servers, p, false).put("name", u.name()).put("admin", u.admin())
                .put("groups", new JsonArray(List.copyOf(new TreeSet<>(u.groups()))))
                .put("scopes", scopes(p))
                .put("session_id", p.sessionId())
                .put("token_id", p.tokenId() == null ? null : "a" + p.tokenId());
    }

    private static JsonArray scopes(Principal p) {
        return new JsonArray(List.copyOf(new TreeSet<>(p.scopes().scopes())));
    }
}
