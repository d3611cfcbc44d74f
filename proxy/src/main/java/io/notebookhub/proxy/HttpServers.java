package io.notebookhub.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * HTTP servers hardened as the proxy's public port is, for the hub's own listeners: requests framed two ways are
 * refused, and clients that trickle a request's head or body are cut off after the given timeouts.
 */
public final class HttpServers {
    private HttpServers() {
    }

    /**
     * A server with the strict request decoder and the slow-client timeouts (0 turns one off). HTTP/2 over clear
     * text is turned off: its protocol sniffing would build the HTTP/1 pipeline too late for the guard.
     */
    public static HttpServer guarded(Vertx vertx, HttpServerOptions options, long headersTimeoutMillis,
                                     long requestTimeoutMillis) {
        options.setHttp2ClearTextEnabled(false);
        return io.notebookhub.proxy.internal.GuardedServer.create(vertx, options, headersTimeoutMillis,
                requestTimeoutMillis);
    }
}
