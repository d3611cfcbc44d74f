package io.notebookhub.system.security;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a hostile user can run as her notebook server (her own {@code jupyter_notebook_config.py} can log every
 * request): a server that keeps every request's headers. Stands in for a notebook server because the attack is
 * about what reaches the server, not about Jupyter.
 */
final class HeaderLoggingServer implements AutoCloseable {
    private final HttpServer server;
    final List<Headers> seen = new CopyOnWriteArrayList<>();

    HeaderLoggingServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestHeaders());
            byte[] body = "logged".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Every Cookie and Authorization header value the server was sent. */
    List<String> credentials() {
        return seen.stream().flatMap(h -> java.util.stream.Stream.concat(
                h.getOrDefault("Cookie", List.of()).stream(),
                h.getOrDefault("Authorization", List.of()).stream())).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
