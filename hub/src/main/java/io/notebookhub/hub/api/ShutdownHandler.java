package io.notebookhub.hub.api;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /hub/api/shutdown} ({@code shutdown} scope): answers 202 {@code {"message": "Shutting down Hub"}} and
 * then stops the hub. {@code servers} (default false: a hub stop never costs users their servers, as with
 * Zero to JupyterHub's {@code cleanup_servers: false}) stops every user's server first; {@code proxy} (default
 * true) is accepted as JupyterHub does, but an embedded proxy always ends with the hub's process and an external
 * one, which the hub did not start, is never stopped.
 */
public final class ShutdownHandler {
    private static final Logger log = LoggerFactory.getLogger(ShutdownHandler.class);

    /** What the hub does once the answer is sent. */
    public interface Shutdown {
        void shutdown(boolean stopServers);
    }

    private final Shutdown shutdown;

    public ShutdownHandler(Shutdown shutdown) {
        this.shutdown = shutdown;
    }

    public void mount(Router router) {
        router.post("/hub/api/shutdown").handler(this::shutdown);
    }

    private void shutdown(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        ApiSupport.need(p, "shutdown");
        JsonObject body = ApiSupport.body(ctx);
        boolean servers = flag(body, "servers", false);
        boolean proxy = flag(body, "proxy", true);
        log.info("shutdown asked by {} {} (servers: {}, proxy: {})", p.kind(), p.name(), servers, proxy);
        ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("message", "Shutting down Hub").encode())
                .onComplete(done -> shutdown.shutdown(servers));
    }

    private static boolean flag(JsonObject body, String key, boolean defaultValue) {
        Object v = body.getValue(key);
        if (v == null && !body.containsKey(key)) {
            return defaultValue;
        }
        if (!(v instanceof Boolean b)) {
            throw HttpError.badRequest(key + " must be true or false, got " + (v == null ? "null" : "'" + v + "'"));
        }
        return b;
    }
}
