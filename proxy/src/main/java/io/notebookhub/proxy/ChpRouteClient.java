package io.notebookhub.proxy;

import io.notebookhub.proxy.internal.IsoTime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RouteStore} that talks to any configurable-http-proxy-compatible REST API (ours in its own
 * Deployment, or a stock CHP) the way JupyterHub does: {@code Authorization: token <t>}, route paths
 * quoted with {@code safe="@/~"}, 5xx and connection errors retried with capped exponential backoff,
 * DELETE of an absent route (404) taken as success.
 */
public final class ChpRouteClient implements RouteStore {
    private static final Logger log = LoggerFactory.getLogger(ChpRouteClient.class);

    private final Vertx vertx;
    private final WebClient client;
    private final String basePath;
    private final String authorization;
    private final int maxAttempts;
    private final Duration firstDelay;
    private final Duration maxDelay;

    /** {@code apiUrl} is the API's base URL, e.g. {@code http://127.0.0.1:8001}; retries up to 6 attempts, 100 ms doubling to 5 s. */
    public ChpRouteClient(Vertx vertx, String apiUrl, String authToken) {
        this(vertx, apiUrl, authToken, 6, Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    public ChpRouteClient(Vertx vertx, String apiUrl, String authToken, int maxAttempts, Duration firstDelay,
                          Duration maxDelay) {
        URI uri = URI.create(apiUrl);
        boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() != -1 ? uri.getPort() : ssl ? 443 : 80;
        this.vertx = vertx;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setDefaultHost(uri.getHost()).setDefaultPort(port).setSsl(ssl)
                .setConnectTimeout(3_000).setIdleTimeout(10).setKeepAlive(true));
        String p = uri.getRawPath() == null ? "" : uri.getRawPath();
        this.basePath = (p.endsWith("/") ? p.substring(0, p.length() - 1) : p) + "/api/routes";
        this.authorization = authToken == null ? null : "token " + authToken;
        this.maxAttempts = Math.max(1, maxAttempts);
        this.firstDelay = firstDelay;
        this.maxDelay = maxDelay;
    }

    @Override
    public Future<Void> add(String prefix, String target, Map<String, Object> data) {
        JsonObject body = new JsonObject(new LinkedHashMap<>(data)).put("target", target);
        return retrying("POST " + prefix, () -> send(HttpMethod.POST, path(prefix), body.toBuffer()))
                .compose(resp -> resp.statusCode() / 100 == 2 ? Future.succeededFuture()
                        : Future.failedFuture(failure("POST", prefix, resp)));
    }

    @Override
    public Future<Void> remove(String prefix) {
        return retrying("DELETE " + prefix, () -> send(HttpMethod.DELETE, path(prefix), null))
                .compose(resp -> resp.statusCode() / 100 == 2 || resp.statusCode() == 404 ? Future.succeededFuture()
                        : Future.failedFuture(failure("DELETE", prefix, resp)));
    }

    @Override
    public Future<Map<String, Route>> list() {
        return retrying("GET routes", () -> send(HttpMethod.GET, basePath, null)).compose(resp -> {
            if (resp.statusCode() != 200) {
                return Future.failedFuture(failure("GET", "", resp));
            }
            JsonObject all = resp.bodyAsJsonObject();
            Map<String, Route> out = new HashMap<>();
            for (String key : all.fieldNames()) {
                out.put(key, toRoute(key, all.getJsonObject(key)));
            }
            return Future.succeededFuture(out);
        });
    }

    public void close() {
        client.close();
    }

    static Route toRoute(String prefix, JsonObject o) {
        Map<String, Object> data = new LinkedHashMap<>(o.getMap());
        String target = String.valueOf(data.remove("target"));
        Object last = data.remove("last_activity");
        Object interactive = data.remove("last_interactive_activity");
        Instant lastActivity = last instanceof String s ? IsoTime.parse(s) : null;
        Instant lastInteractive = interactive instanceof String s ? IsoTime.parse(s) : lastActivity;
        return new Route(prefix, target, lastActivity, Map.copyOf(withoutNulls(data)), lastInteractive);
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> m) {
        m.values().removeIf(v -> v == null);
        return m;
    }

    /** JupyterHub's routespec to CHP path: trailing slash dropped, then {@code urllib.parse.quote(path, safe="@/~")}. */
    String path(String prefix) {
        String p = prefix.startsWith("/") ? prefix : "/" + prefix;
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return basePath + quote(p);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-' || c == '~' || c == '@' || c == '/') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }

    private Future<HttpResponse<Buffer>> send(HttpMethod method, String uri, Buffer body) {
        var req = client.request(method, uri);
        if (authorization != null) {
            req.putHeader("Authorization", authorization);
        }
        return body == null ? req.send() : req.putHeader("Content-Type", "application/json").sendBuffer(body);
    }

    private Future<HttpResponse<Buffer>> retrying(String what, Supplier<Future<HttpResponse<Buffer>>> call) {
        Promise<HttpResponse<Buffer>> done = Promise.promise();
        attempt(what, call, 1, firstDelay.toMillis(), done);
        return done.future();
    }

    private void attempt(String what, Supplier<Future<HttpResponse<Buffer>>> call, int n, long delay,
                         Promise<HttpResponse<Buffer>> done) {
        call.get().onComplete(ar -> {
            boolean retry = ar.failed() || ar.result().statusCode() >= 500;
            if (!retry || n >= maxAttempts) {
                if (ar.failed()) {
                    done.fail(ar.cause());
                } else {
                    done.complete(ar.result());
                }
                return;
            }
            log.warn("Proxy API {} failed ({}), retry {} of {} in {} ms", what,
                    ar.failed() ? ar.cause().toString() : "HTTP " + ar.result().statusCode(), n, maxAttempts - 1, delay);
            vertx.setTimer(delay, t -> attempt(what, call, n + 1, Math.min(delay * 2, maxDelay.toMillis()), done));
        });
    }

    private static IllegalStateException failure(String method, String prefix, HttpResponse<Buffer> resp) {
        return new IllegalStateException("proxy API " + method + " " + prefix + " answered " + resp.statusCode()
                + (resp.bodyAsString() == null ? "" : ": " + resp.bodyAsString()));
    }
}
