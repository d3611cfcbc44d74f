package io.notebookhub.culler;

import io.notebookhub.culler.internal.HttpServerStateReader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;

/** Reads a notebook server's kernels and terminals (see {@link ServerState}). */
public interface ServerStateReader {

    /**
     * @param baseUrl the server's base URL, e.g. {@code http://10.0.0.7:8888/user/alice/}
     * @param token a token the server accepts, scoped to that server
     * @return the state, or a failed future when the server cannot be read (unreachable, 403, bad JSON)
     */
    Future<ServerState> read(URI baseUrl, String token);

    /** Reads over HTTP with Vert.x's web client; {@code requestTimeout} bounds each request. */
    static ServerStateReader http(Vertx vertx, Duration requestTimeout) {
        return new HttpServerStateReader(vertx, requestTimeout);
    }
}
