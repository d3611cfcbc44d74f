package io.notebookhub.proxy.internal;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.notebookhub.proxy.ProxyOptions;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.concurrent.TimeUnit;

/**
 * One forwarding lane: a public HTTP server and the target connections it forwards over, both on this
 * verticle's event loop, so a request never changes threads. ProxyServer deploys one per event loop;
 * they share the listening port.
 */
public final class ForwardVerticle extends AbstractVerticle {
    private final ProxyOptions options;
    private final RouteTable routes;
    private final UpstreamFailures failures;
    private final ProxyMetrics metrics;
    private final int port;
    private HttpServer server;
    private HttpClient client;
    private UpstreamConnections connections;
    private UpgradeTunnel tunnels;

    public ForwardVerticle(ProxyOptions options, RouteTable routes, UpstreamFailures failures, ProxyMetrics metrics,
                           int port) {
        this.options = options;
        this.metrics = metrics;
        this.routes = routes;
        this.failures = failures;
        this.port = port;
    }

    @Override
    public void start(Promise<Void> started) throws Exception {
        // Only error pages fetched from --error-target use Vert.x's client; forwarding has its own connections.
        client = vertx.createHttpClient(clientOptions(options), new PoolOptions().setHttp1MaxSize(8));
        connections = new UpstreamConnections(vertx, VertxNetty.eventLoop(context), options);
        ErrorPages errors = new ErrorPages(vertx, client, options);
        tunnels = new UpgradeTunnel(vertx, options);
        HttpForwarder forwarder = new HttpForwarder(options, routes, connections, errors, failures, tunnels, metrics);
        HttpServerOptions serverOptions = serverOptions(options);
        server = StrictRequestDecoder.createServer(vertx, serverOptions, options.headersTimeoutMillis(),
                options.requestTimeoutMillis());
        server.invalidRequestHandler(ForwardVerticle::refuseInvalid)
                .requestHandler(forwarder)
                .listen(port, options.ip())
                .<Void>mapEmpty()
                .onComplete(started);
    }

    @Override
    public void stop(Promise<Void> stopped) {
        tunnels.close();
        connections.close();
        server.close().eventually(() -> client.close()).<Void>mapEmpty().onComplete(stopped);
    }

    /** Vert.x would close the connection without a word for most decoding failures; say 400 (or 414/431) first. */
    private static void refuseInvalid(HttpServerRequest req) {
        Throwable cause = req.decoderResult().cause();
        int status = cause instanceof TooLongHttpLineException ? 414
                : cause instanceof TooLongHttpHeaderException ? 431 : 400;
        req.response().setStatusCode(status).putHeader(HttpHeaders.CONNECTION, "close")
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end(status == 400 ? "Bad Request" : status == 414 ? "URI Too Long" : "Request Header Fields Too Large")
                .onComplete(v -> req.connection().close());
    }

    public int actualPort() {
        return server.actualPort();
    }

    static HttpServerOptions serverOptions(ProxyOptions o) {
        HttpServerOptions s = new HttpServerOptions()
                .setMaxInitialLineLength(o.maxUrlLength())
                .setMaxHeaderSize(o.maxHeaderSize())
                .setHandle100ContinueAutomatically(true)
                // Without h2c, Vert.x builds the HTTP/1 pipeline at accept time instead of sniffing the first bytes,
                // which is what lets StrictRequestDecoder swap the decoder before any byte is decoded.
                .setHttp2ClearTextEnabled(false)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                // Upgrades are spliced as raw bytes, so only the target may negotiate WebSocket extensions. With
                // these on, Netty's extension handler would add "permessage-deflate" to the target's 101 answer:
                // Chromium then compresses frames the target never agreed to, and Jupyter Server closes the
                // connection (JupyterLab 4 reconnects in a loop, its kernel never ready).
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setTcpNoDelay(true)
                .setReuseAddress(true)
                .setIdleTimeout((int) o.timeoutMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        if (o.sslKey() != null) {
            s.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setKeyPath(o.sslKey()).setCertPath(o.sslCert()));
        }
        return s;
    }

    static HttpClientOptions clientOptions(ProxyOptions o) {
        HttpClientOptions c = new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setPipelining(false)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, o.connectTimeoutMillis()))
                .setDecompressionSupported(false)
                .setMaxInitialLineLength(o.maxUrlLength())
                .setMaxHeaderSize(o.maxHeaderSize())
                .setVerifyHost(!o.insecure())
                .setTrustAll(o.insecure());
        if (o.clientSslKey() != null) {
            c.setKeyCertOptions(new PemKeyCertOptions().setKeyPath(o.clientSslKey()).setCertPath(o.clientSslCert()));
        }
        if (o.clientSslCa() != null) {
            c.setTrustOptions(new PemTrustOptions().addCertPath(o.clientSslCa()));
        }
        return c;
    }
}
