package io.notebookhub.proxy;

import io.notebookhub.proxy.internal.ForwardVerticle;
import io.notebookhub.proxy.internal.PrometheusProxyMetrics;
import io.notebookhub.proxy.internal.ProxyMetrics;
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
 * A running proxy: the public forwarding port (one server + target connection pool per event loop, all sharing
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
    /** The --metrics-port and --redirect-port servers, each null unless asked for. */
    private final HttpServer metricsServer;
    private final HttpServer redirectServer;

    private ProxyServer(Vertx vertx, RouteTable table, UpstreamFailures failures, List<String> deployments,
                        int publicPort, HttpServer api, HttpServer metricsServer, HttpServer redirectServer) {
        this.vertx = vertx;
        this.table = table;
        this.failures = failures;
        this.deployments = deployments;
        this.publicPort = publicPort;
        this.api = api;
        this.metricsServer = metricsServer;
        this.redirectServer = redirectServer;
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
        PrometheusProxyMetrics prometheus = options.metricsPort() >= 0 ? new PrometheusProxyMetrics() : null;
        ProxyMetrics metrics = prometheus != null ? prometheus : ProxyMetrics.NONE;
        HttpServer[] sideServers = new HttpServer[2];
        int lanes = options.eventLoops() > 0 ? options.eventLoops() : Runtime.getRuntime().availableProcessors();
        List<String> deployments = new ArrayList<>();
        // Vert.x shares one listening socket among servers that listen on the same port value; for an ephemeral
        // port that value must be negative (each negative value names one shared random port).
        int listenPort = options.port() == 0 ? EPHEMERAL.decrementAndGet() : options.port();
        ForwardVerticle first = new ForwardVerticle(options, table, failures, metrics, listenPort);
        return vertx.deployVerticle(first)
                .compose(id -> {
                    deployments.add(id);
                    // The other lanes join the socket the first one bound.
                    List<Future<?>> more = new ArrayList<>();
                    for (int i = 1; i < lanes; i++) {
                        more.add(vertx.deployVerticle(new ForwardVerticle(options, table, failures, metrics, listenPort))
                                .onSuccess(deployments::add));
                    }
                    return Future.all(more);
                })
                .compose(v -> startMetrics(vertx, options, prometheus).onSuccess(m -> sideServers[0] = m))
                .compose(v -> startRedirect(vertx, options, first.actualPort()).onSuccess(r -> sideServers[1] = r))
                .compose(v -> startApi(vertx, options, table, apiPort, metrics))
                .map(api -> {
                    ProxyServer server = new ProxyServer(vertx, table, failures, deployments, first.actualPort(), api,
                            sideServers[0], sideServers[1]);
                    log.info("Proxying {}://{}:{} ({} lanes), REST API at http://{}:{}/api/routes{}",
                            options.sslKey() != null ? "https" : "http", options.ip(), server.publicPort,
                            lanes, options.apiIp(), api.actualPort(),
                            options.authToken() == null ? " (no token set: API open to anyone who can reach it)" : "");
                    return server;
                })
                .recover(err -> {
                    List<Future<?>> undo = new ArrayList<>();
                    deployments.forEach(id -> undo.add(vertx.undeploy(id)));
                    for (HttpServer side : sideServers) {
                        if (side != null) {
                            undo.add(side.close());
                        }
                    }
                    return Future.join(undo).transform(x -> Future.failedFuture(err));
                });
    }

    /** CHP's metrics server: {@code GET /metrics} in Prometheus' text format, 404 for anything else. */
    private static Future<HttpServer> startMetrics(Vertx vertx, ProxyOptions options, PrometheusProxyMetrics metrics) {
        if (metrics == null) {
            return Future.succeededFuture();
        }
        return vertx.createHttpServer()
                .requestHandler(req -> {
                    if (!"/metrics".equals(req.path())) {
                        req.response().setStatusCode(404).end();
                        return;
                    }
                    // Rendering walks every meter: off the event loop.
                    vertx.executeBlocking(metrics::scrape, false).onComplete(ar -> {
                        if (ar.failed()) {
                            req.response().setStatusCode(500).end();
                        } else {
                            req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                                    .end(ar.result());
                        }
                    });
                })
                .listen(options.metricsPort(), options.metricsIp())
                .onSuccess(s -> log.info("Serving metrics at http://{}:{}/metrics", options.metricsIp(), s.actualPort()));
    }

    /** CHP's --redirect-port: plain HTTP answered with a redirect to the same URL over HTTPS. */
    private static Future<HttpServer> startRedirect(Vertx vertx, ProxyOptions options, int httpsPort) {
        if (options.redirectPort() < 0) {
            return Future.succeededFuture();
        }
        int to = options.redirectTo() > 0 ? options.redirectTo() : httpsPort;
        return vertx.createHttpServer()
                .requestHandler(req -> {
                    String host = req.getHeader("Host");
                    if (host == null || host.isEmpty()) {
                        req.response().setStatusCode(400).putHeader("Content-Type", "text/plain; charset=utf-8")
                                .end("This server is HTTPS-only on port " + to
                                        + ", but an HTTP request was made and the host could not be determined.");
                        return;
                    }
                    String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                            : host.indexOf(':') >= 0 ? host.substring(0, host.indexOf(':')) : host;
                    String location = "https://" + name + (to == 443 ? "" : ":" + to) + req.uri();
                    req.response().setStatusCode(301).putHeader("Location", location).end();
                })
                .listen(options.redirectPort(), options.ip())
                .onSuccess(s -> log.info("Redirecting http://{}:{} to HTTPS port {}", options.ip(), s.actualPort(), to));
    }

    private static Future<HttpServer> startApi(Vertx vertx, ProxyOptions options, RouteTable table, int port,
                                               ProxyMetrics metrics) {
        // Without h2c the HTTP/1 pipeline exists from accept, which the slow-client guard needs.
        HttpServerOptions so = new HttpServerOptions().setMaxHeaderSize(options.maxHeaderSize())
                .setHttp2ClearTextEnabled(false);
        if (options.apiSslKey() != null) {
            so.setSsl(true).setKeyCertOptions(
                    new PemKeyCertOptions().setKeyPath(options.apiSslKey()).setCertPath(options.apiSslCert()));
        }
        return HttpServers.guarded(vertx, so, options.headersTimeoutMillis(), options.requestTimeoutMillis())
                .requestHandler(new RoutesApiHandler(table, options.authToken(), metrics))
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

    /** The port of the --metrics-port server, or -1 when there is none. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.actualPort();
    }

    /** The port of the --redirect-port server, or -1 when there is none. */
    public int redirectPort() {
        return redirectServer == null ? -1 : redirectServer.actualPort();
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
        if (metricsServer != null) {
            all.add(metricsServer.close());
        }
        if (redirectServer != null) {
            all.add(redirectServer.close());
        }
        deployments.forEach(id -> all.add(vertx.undeploy(id)));
        return Future.join(all).mapEmpty();
    }
}
