package io.notebookhub.culler.internal;

import io.notebookhub.culler.ServerState;
import io.notebookhub.culler.ServerStateReader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Reads {@code api/kernels} and {@code api/terminals} of a notebook server with its token. */
public final class HttpServerStateReader implements ServerStateReader {
    private final WebClient client;
    private final long timeoutMillis;

    public HttpServerStateReader(Vertx vertx, Duration requestTimeout) {
        this.client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false)
                .setUserAgent("notebook-hub-culler"));
        this.timeoutMillis = requestTimeout.toMillis();
    }

    @Override
    public Future<ServerState> read(URI baseUrl, String token) {
        URI base = baseUrl.getPath().endsWith("/") ? baseUrl : URI.create(baseUrl + "/");
        return get(base.resolve("api/kernels"), token)
                .map(r -> ServerStateJson.kernels(body(r, "api/kernels")))
                .compose(kernels -> get(base.resolve("api/terminals"), token)
                        .map(r -> new ServerState(kernels, terminals(r))));
    }

    private Future<HttpResponse<Buffer>> get(URI uri, String token) {
        var request = client.getAbs(uri.toString()).timeout(timeoutMillis).putHeader("Accept", "application/json");
        if (token != null) {
            request.putHeader("Authorization", "token " + token);
        }
        return request.send();
    }

    /** A server started with terminals disabled answers 404 here; that is "no terminals", not an error. */
    private static List<ServerState.Terminal> terminals(HttpResponse<Buffer> response) {
        if (response.statusCode() == 404) {
            return List.of();
        }
        return ServerStateJson.terminals(body(response, "api/terminals"));
    }

    private static String body(HttpResponse<Buffer> response, String what) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(what + " answered HTTP " + response.statusCode());
        }
        Buffer body = response.body();
        return body == null ? "" : body.toString();
    }
}
