package io.notebookhub.hub;

import io.notebookhub.hub.api.ShutdownHandler;
import io.notebookhub.hub.servers.ServerManager;
import io.notebookhub.hub.store.HubStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /hub/api/shutdown}: stops users' servers first when asked, then ends the process, whose shutdown hook
 * closes the hub (and with it the embedded proxy and the managed services), as a SIGTERM would.
 */
final class ApiShutdown implements ShutdownHandler.Shutdown {
    private static final Logger log = LoggerFactory.getLogger(ApiShutdown.class);

    private final Vertx vertx;
    private final HubStore store;
    private final ServerManager servers;

    ApiShutdown(Vertx vertx, HubStore store, ServerManager servers) {
        this.vertx = vertx;
        this.store = store;
        this.servers = servers;
    }

    @Override
    public void shutdown(boolean stopServers) {
        Future<Void> first = !stopServers ? Future.succeededFuture() : vertx.executeBlocking(store::activeServers)
                .compose(active -> Future.join(active.stream().map(s -> servers.stop(s.user(), s.name(),
                        "the hub was shut down through the API")).toList()).<Void>mapEmpty())
                .recover(e -> {
                    log.warn("shutdown: not every server stopped: {}", e.getMessage());
                    return Future.succeededFuture();
                });
        // System.exit runs the shutdown hook, which closes the hub: never on an event loop it would wait for.
        first.onComplete(done -> new Thread(() -> System.exit(0), "api-shutdown").start());
    }
}
