package io.notebookhub.proxy.internal;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/** The entry from the proxy's public package to {@link StrictRequestDecoder}'s server, kept internal. */
public final class GuardedServer {
    private GuardedServer() {
    }

    public static HttpServer create(Vertx vertx, HttpServerOptions options, long headersTimeoutMillis,
                                    long requestTimeoutMillis) {
        return StrictRequestDecoder.createServer(vertx, options, headersTimeoutMillis, requestTimeoutMillis);
    }
}
