package io.notebookhub.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A notebook-server stand-in on loopback: echoes what it received as JSON, echoes WebSocket messages,
 * counts uploaded bytes and streams downloads of any size with back-pressure.
 */
final class TestBackend {
    final HttpServer server;
    final String name;

    private final boolean tls;

    private TestBackend(HttpServer server, String name, boolean tls) {
        this.server = server;
        this.tls = tls;
        this.name = name;
    }

    static TestBackend start(Vertx vertx, String name) {
        return start(vertx, name, new io.vertx.core.http.HttpServerOptions());
    }

    /** A backend serving HTTPS with the given PEM key and certificate. */
    static TestBackend startTls(Vertx vertx, String name, String keyPath, String certPath) {
        return start(vertx, name, new io.vertx.core.http.HttpServerOptions().setSsl(true)
                .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setKeyPath(keyPath).setCertPath(certPath)));
    }

    private static TestBackend start(Vertx vertx, String name, io.vertx.core.http.HttpServerOptions options) {
        HttpServer s = vertx.createHttpServer(options)
                .webSocketHandshakeHandler(handshake -> {
                    if (handshake.path().contains("refuse")) {
                        handshake.reject(403);
                    } else {
                        handshake.accept();
                    }
                })
                .webSocketHandler(ws -> {
                    ws.binaryMessageHandler(ws::writeBinaryMessage);
                    ws.textMessageHandler(text -> ws.writeTextMessage(name + ":" + text));
                })
                .requestHandler(req -> handle(req, name));
        return new TestBackend(await(s.listen(0, "127.0.0.1")), name, options.isSsl());
    }

    int port() {
        return server.actualPort();
    }

    String url() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + port();
    }

    private static void handle(HttpServerRequest req, String name) {
        if (req.path().endsWith("/upload")) {
            long[] count = {0};
            req.handler(b -> count[0] += b.length());
            req.endHandler(v -> req.response().end(Long.toString(count[0])));
            return;
        }
        if (req.path().endsWith("/redirect")) {
            req.response().setStatusCode(302).putHeader("Location", req.getParam("to")).end();
            return;
        }
        if (req.path().endsWith("/download")) {
            long size = Long.parseLong(req.getParam("size"));
            var resp = req.response().putHeader("Content-Length", Long.toString(size));
            Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
            long[] sent = {0};
            Runnable[] pump = new Runnable[1];
            pump[0] = () -> {
                while (sent[0] < size && !resp.writeQueueFull()) {
                    int n = (int) Math.min(chunk.length(), size - sent[0]);
                    resp.write(n == chunk.length() ? chunk : chunk.getBuffer(0, n));
                    sent[0] += n;
                }
                if (sent[0] >= size) {
                    resp.end();
                } else {
                    resp.drainHandler(v -> pump[0].run());
                }
            };
            pump[0].run();
            return;
        }
        req.body().onSuccess(body -> {
            JsonObject headers = new JsonObject();
            MultiMap h = req.headers();
            for (Map.Entry<String, String> e : h) {
                String k = e.getKey().toLowerCase();
                headers.put(k, headers.containsKey(k) ? headers.getString(k) + "|" + e.getValue() : e.getValue());
            }
            req.response().putHeader("Content-Type", "application/json")
                    .putHeader("Connection", "keep-alive, X-Secret-Hop")
                    .putHeader("X-Secret-Hop", "should not pass")
                    .putHeader("Keep-Alive", "timeout=5")
                    .end(new JsonObject().put("backend", name).put("method", req.method().name())
                            .put("uri", req.uri()).put("headers", headers).put("body", body.toString())
                            .put("clientPort", req.remoteAddress().port()).encode());
        });
    }

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
