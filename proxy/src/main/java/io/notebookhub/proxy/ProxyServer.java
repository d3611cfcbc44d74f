package io.notebookhub.proxy;

import io.notebookhub.proxy.internal.ForwardVerticle;
import io.notebookhub.proxy.internal.RouteTable;
import io.notebookhub.proxy.internal.RoutesApiHandler;
import io.notebookhub.proxy.internal.UpstreamFailures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy: the public forwarding port (one server + pooled client per event loop, all sharing
 * one route table) and the configurable-http-proxy REST API on its own port. Start it inside the hub's
 * Vert.x with {@link #start}; the hub may use {@link #routes()} directly, with no HTTP in between.
 */
public final class ProxyServer {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private static final java.util.concurrent.atomic.AtomicInteger EPHEMERAL = new java.util.concurrent.atomic.AtomicInteger();
    private final Vertx vertx;
    private final RouteTable table;
    private final UpstreamFailures failures;
    private final List<String> deployments;
    private final int publicPort;
    private final HttpServer api;

    private ProxyServer(Vertx vertx, RouteTable table, UpstreamFailures failures, List<String> deployments,
                        int publicPort, HttpServer api) {
        this.vertx = vertx;
        this.table = table;
        this.failures = failures;
        this.deployments = deployments;
        this.publicPort = publicPort;
        this.api = api;
    }

    /** Binds both ports; fails (and leaves nothing bound) if either cannot be bound. */
    public static Future<ProxyServer> start(Vertx vertx, ProxyOptions options) {
        int apiPort = options.effectiveApiPort();
        if (apiPort != 0 && apiPort == options.port()) {
            return Future.failedFuture(new IllegalArgumentException(
                    "the REST API must not share the public port " + apiPort + "; choose another --api-port"));
        }
        RouteTable table = new RouteTable(options.hostRouting());
        if (options.defaultTarget() != null) {
            try {
                table.put("/", options.defaultTarget(), Map.of());
            } catch (IllegalArgumentException e) {
                return Future.failedFuture(e);
            }
        }
        UpstreamFailures failures = new UpstreamFailures();
        int lanes = options.eventLoops() > 0 ? options.eventLoops() : Runtime.getRuntime().availableProcessors();
        List<String> deployments = new ArrayList<>();
        // Vert.x shares one listening socket among servers that listen on the same port value; for an ephemeral
        // port that value must be negative (each negative value names one shared random port).
        int listenPort = options.port() == 0 ? EPHEMERAL.decrementAndGet() : options.port();
        ForwardVerticle first = new ForwardVerticle(options, table, failures, listenPort);
        return vertx.deployVerticle(first)
                .compose(id -> {
                    deployments.add(id);
                    // The other lanes join the socket the first one bound.
                    List<Future<?>> more = new ArrayList<>();
                    for (int i = 1; i < lanes; i++) {
                        more.add(vertx.deployVerticle(new ForwardVerticle(options, table, failures, listenPort))
                                .onSuccess(deployments::add));
                    }
                    return Future.all(more);
                })
                .compose(v -> startApi(vertx, options, table, apiPort))
                .map(api -> {
                    ProxyServer server = new ProxyServer(vertx, table, failures, deployments, first.actualPort(), api);
                    log.info("Proxying {}://{}:{} ({} lanes), REST API at http://{}:{}/api/routes{}",
                            options.sslKey() != null ? "https" : "http", options.ip(), server.publicPort,
                            lanes, options.apiIp(), api.actualPort(),
                            options.authToken() == null ? " (no token set: API open to anyone who can reach it)" : "");
                    return server;
                })
                .recover(err -> {
                    List<Future<?>> undo = new ArrayList<>();
                    deployments.forEach(id -> undo.add(vertx.undeploy(id)));
                    return Future.all(undo).transform(x -> Future.failedFuture(err));
                });
    }

    private static Future<HttpServer> startApi(Vertx vertx, ProxyOptions options, RouteTable table, int port) {
        HttpServerOptions so = new HttpServerOptions().setMaxHeaderSize(options.maxHeaderSize());
        if (options.apiSslKey() != null) {
            so.setSsl(true).setKeyCertOptions(
                    new PemKeyCertOptions().setKeyPath(options.apiSslKey()).setCertPath(options.apiSslCert()));
        }
        return vertx.createHttpServer(so)
                .requestHandler(new RoutesApiHandler(table, options.authToken()))
                .listen(port, options.apiIp());
    }

    /** The route table itself: add/remove/list in memory, no HTTP. */
    public RouteStore routes() {
        return table;
    }

    public int publicPort() {
        return publicPort;
    }

    public int apiPort() {
        return api.actualPort();
    }

    /**
     * Calls {@code listener} (on an event loop: do not block) with the route whose target refused a
     * connection, could not be reached, or timed out, so the hub can check that server.
     */
    public void onUpstreamFailure(Consumer<Route> listener) {
        failures.add(listener);
    }

    /** Stops listening on both ports; open tunnels are closed. */
    public Future<Void> close() {
        List<Future<?>> all = new ArrayList<>();
        all.add(api.close());
        deployments.forEach(id -> all.add(vertx.undeploy(id)));
        return Future.join(all).mapEmpty();
    }
}
