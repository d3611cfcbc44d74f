package io.notebookhub.proxy.internal;

import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;

/** A route's target URL, parsed once when the route is added so that forwarding never parses it. */
public record Target(boolean ssl, String host, int port, String basePath, SocketAddress address) {

    public Target(boolean ssl, String host, int port, String basePath) {
        this(ssl, host, port, basePath, SocketAddress.inetSocketAddress(port, host));
    }

    // equals and hashCode by hand: a record's own are built from method handles the first time they run, some
    // forty generated classes that the first request through the proxy after a restart would wait for. The address
    // follows from host and port.
    @Override
    public boolean equals(Object o) {
        return o instanceof Target other && ssl == other.ssl && port == other.port && host.equals(other.host)
                && basePath.equals(other.basePath);
    }

    @Override
    public int hashCode() {
        return ((Boolean.hashCode(ssl) * 31 + host.hashCode()) * 31 + port) * 31 + basePath.hashCode();
    }

    /** Parses {@code http(s)://host[:port][/path]}; the base path loses its trailing slash. */
    public static Target parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("target is not a URL: " + url, e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        boolean ssl;
        switch (scheme) {
            case "http", "ws" -> ssl = false;
            case "https", "wss" -> ssl = true;
            default -> throw new IllegalArgumentException("target must be http(s)://host[:port][/path]: " + url);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("target has no host: " + url);
        }
        int port = uri.getPort() != -1 ? uri.getPort() : ssl ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Target(ssl, host, port, path);
    }

    /** Host header value naming this target, for {@code --change-origin}. */
    public String authority() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return (ssl && port == 443) || (!ssl && port == 80) ? h : h + ":" + port;
    }
}
