package io.notebookhub.proxy.internal;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.notebookhub.proxy.ProxyOptions;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import java.util.Map;

/**
 * Forwards one public request: validate, match a route, stamp activity, then stream the body each way
 * with back-pressure (a paused reader whenever the other side's write queue is full), or splice a
 * WebSocket upgrade into a raw tunnel.
 */
final class HttpForwarder implements Handler<HttpServerRequest> {
    private final ProxyOptions options;
    private final RouteTable routes;
    private final ErrorPages errors;
    private final UpstreamFailures failures;
    private final UpgradeTunnel tunnels;
    private final ProxyMetrics metrics;
    private final ForwardedExchange.Lane lane;
    private final PrivateCredentials privateCredentials;
    /** Scratch for RouteTable.match; safe because a forwarder only ever runs on its own event loop. */
    private final int[] matchEnd = new int[1];

    HttpForwarder(ProxyOptions options, RouteTable routes, UpstreamConnections connections, ErrorPages errors,
                  UpstreamFailures failures, UpgradeTunnel tunnels, ProxyMetrics metrics) {
        this.tunnels = tunnels;
        this.metrics = metrics;
        this.lane = new ForwardedExchange.Lane(connections, this::upstreamFailed, metrics,
                new RedirectRewrite(options.autoRewrite(), options.protocolRewrite()));
        this.options = options;
        this.privateCredentials = new PrivateCredentials(options.privateCookies(), options.privateTokens());
        this.routes = routes;
        this.errors = errors;
        this.failures = failures;
    }

    @Override
    public void handle(HttpServerRequest req) {
        if (isSmuggling(req)) {
            refuse(req, 400, "Bad Request");
            return;
        }
        String rawPath = req.path();
        if ("/_chp_healthz".equals(rawPath)) {
            req.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end("{\"status\":\"OK\"}");
            return;
        }
        HttpMethod method = req.method();
        boolean upgrade = method == HttpMethod.GET && isWebSocketUpgrade(req);
        if (upgrade) {
            metrics.webSocketRequest();
        } else {
            metrics.webRequest();
        }
        String path = rawPath == null ? null : RequestPath.canonical(rawPath);
        if (path == null) {
            refuse(req, 400, "Bad Request");
            return;
        }
        RouteEntry entry = routes.match(req.getHeader(HttpHeaders.HOST), path, matchEnd);
        if (entry == null) {
            metrics.proxied(404);
            errors.send(req, 404);
            return;
        }
        int restStart = matchEnd[0];
        boolean readOnly = method == HttpMethod.GET || method == HttpMethod.HEAD;
        long now = System.currentTimeMillis();
        if (ActivityRules.isBackgroundPoll(readOnly, path, restStart)) {
            entry.touchBackground(now);
        } else {
            entry.touchInteractive(now);
        }
        String uri = upstreamUri(entry, path, restStart, req.query());
        if (upgrade) {
            tunnel(req, entry, uri);
        } else {
            forward(req, entry, uri);
        }
    }

    private void forward(HttpServerRequest req, RouteEntry entry, String uri) {
        boolean chunked = req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
        boolean hasBody = chunked || req.getHeader(HttpHeaders.CONTENT_LENGTH) != null;
        MultiMap headers = upstreamHeaders(req, entry, false);
        if (chunked) {
            headers.set(HttpHeaders.TRANSFER_ENCODING, HttpHeaders.CHUNKED);
        }
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1,
                io.netty.handler.codec.http.HttpMethod.valueOf(req.method().name()), uri, VertxNetty.nettyHeaders(headers));
        new ForwardedExchange(lane, req, entry, head, hasBody, true).start();
    }

    private void tunnel(HttpServerRequest req, RouteEntry entry, String uri) {
        tunnels.open(req, entry, uri, upstreamHeaders(req, entry, true),
                (e, cause) -> upstreamFailed(req, e, cause));
    }

    private MultiMap upstreamHeaders(HttpServerRequest req, RouteEntry entry, boolean upgrade) {
        Target t = entry.parsedTarget();
        MultiMap headers = HttpHeaders.headers();
        HopHeaders.copy(req.headers(), headers, "expect");
        // Only the default route (the hub) may see the hub's own credentials.
        if (entry.pathPrefixLength() > 0 && !privateCredentials.isEmpty()) {
            privateCredentials.strip(headers);
        }
        if (upgrade) {
            headers.set(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE);
            headers.set(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET);
        } else {
            headers.remove(HttpHeaders.CONTENT_LENGTH);
            String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (cl != null) {
                headers.set(HttpHeaders.CONTENT_LENGTH, cl);
            }
        }
        if (!headers.contains(HttpHeaders.HOST)) {
            headers.set(HttpHeaders.HOST, t.authority());
        }
        if (options.changeOrigin()) {
            headers.set(HttpHeaders.HOST, t.authority());
        }
        if (options.xForward()) {
            addForwardedHeaders(req, headers);
        }
        for (Map.Entry<String, String> h : options.customHeaders().entrySet()) {
            headers.set(h.getKey(), h.getValue());
        }
        return headers;
    }

    private static void addForwardedHeaders(HttpServerRequest req, MultiMap headers) {
        SocketAddress remote = req.remoteAddress();
        String remoteIp = remote == null ? null : remote.hostAddress();
        if (remoteIp != null) {
            append(headers, "X-Forwarded-For", remoteIp);
        }
        boolean ssl = req.isSSL();
        String host = req.getHeader(HttpHeaders.HOST);
        String port = null;
        if (host != null) {
            int colon = host.lastIndexOf(':');
            if (colon > 0 && colon > host.lastIndexOf(']')) {
                port = host.substring(colon + 1);
            }
        }
        append(headers, "X-Forwarded-Port", port != null ? port : ssl ? "443" : "80");
        append(headers, "X-Forwarded-Proto", ssl ? "https" : "http");
        if (host != null && !headers.contains("X-Forwarded-Host")) {
            headers.set("X-Forwarded-Host", host);
        }
    }

    private static void append(MultiMap headers, String name, String value) {
        String prior = headers.get(name);
        headers.set(name, prior == null ? value : prior + "," + value);
    }

    private String upstreamUri(RouteEntry entry, String path, int restStart, String query) {
        String p = path;
        if (!options.includePrefix() && restStart > 0) {
            p = restStart >= path.length() ? "/" : path.substring(restStart);
        }
        String base = options.prependPath() ? entry.parsedTarget().basePath() : "";
        String full = base.isEmpty() ? p : base + p;
        return query == null ? full : full + "?" + query;
    }

    private void upstreamFailed(HttpServerRequest req, RouteEntry entry, Throwable cause) {
        int status = Failures.status(cause);
        metrics.proxied(status);
        if (Failures.isTargetGone(cause)) {
            failures.report(entry, cause);
        }
        HttpServerResponse sr = req.response();
        if (sr.headWritten() || sr.closed()) {
            sr.reset();
            return;
        }
        errors.send(req, status);
    }

    /**
     * Refuses requests a front-end and a back-end could frame differently: both Content-Length and
     * Transfer-Encoding, or a Transfer-Encoding other than a single "chunked".
     */
    private static boolean isSmuggling(HttpServerRequest req) {
        MultiMap h = req.headers();
        String te = h.get(HttpHeaders.TRANSFER_ENCODING);
        if (te == null) {
            return h.getAll(HttpHeaders.CONTENT_LENGTH).size() > 1;
        }
        return h.contains(HttpHeaders.CONTENT_LENGTH)
                || h.getAll(HttpHeaders.TRANSFER_ENCODING).size() > 1
                || !te.trim().equalsIgnoreCase("chunked");
    }

    private static boolean isWebSocketUpgrade(HttpServerRequest req) {
        String upgrade = req.getHeader(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    private static void refuse(HttpServerRequest req, int status, String text) {
        HttpServerResponse sr = req.response();
        sr.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(text)
                .onComplete(v -> req.connection().close());
    }
}
