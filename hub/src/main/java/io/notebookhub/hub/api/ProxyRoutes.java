package io.notebookhub.hub.api;

import io.notebookhub.proxy.ChpRouteClient;
import io.notebookhub.proxy.Route;
import io.notebookhub.proxy.RouteStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.Map;

/**
 * The hub's route table, wherever the proxy is. For an external proxy the hub can be re-pointed at a new proxy
 * API while running ({@code PATCH /hub/api/proxy}); the embedded proxy lives in this JVM and stays put.
 */
public final class ProxyRoutes implements RouteStore {
    private final Vertx vertx;
    private volatile RouteStore current;
    private volatile String apiUrl;
    private volatile String authToken;

    private ProxyRoutes(Vertx vertx, RouteStore current, String apiUrl, String authToken) {
        this.vertx = vertx;
        this.current = current;
        this.apiUrl = apiUrl;
        this.authToken = authToken;
    }

    public static ProxyRoutes embedded(RouteStore routes) {
        return new ProxyRoutes(null, routes, null, null);
    }

    /** A configurable-http-proxy-compatible REST API at {@code apiUrl}. */
    public static ProxyRoutes external(Vertx vertx, String apiUrl, String authToken) {
        return new ProxyRoutes(vertx, new ChpRouteClient(vertx, apiUrl, authToken), apiUrl, authToken);
    }

    public boolean isExternal() {
        return apiUrl != null;
    }

    /** The external proxy's API URL, or null when embedded. */
    public String apiUrl() {
        return apiUrl;
    }

    /**
     * Talks to another proxy API from now on; {@code newUrl} keeps any part of the old URL it does not change.
     * The old client is closed.
     */
    public synchronized void repoint(URI newUrl, String newToken) {
        if (!isExternal()) {
            throw new IllegalStateException("the embedded proxy cannot be re-pointed");
        }
        RouteStore old = current;
        current = new ChpRouteClient(vertx, newUrl.toString(), newToken);
        apiUrl = newUrl.toString();
        authToken = newToken;
        if (old instanceof ChpRouteClient client) {
            client.close();
        }
    }

    public String authToken() {
        return authToken;
    }

    @Override
    public Future<Void> add(String prefix, String target, Map<String, Object> data) {
        return current.add(prefix, target, data);
    }

    @Override
    public Future<Void> remove(String prefix) {
        return current.remove(prefix);
    }

    @Override
    public Future<Map<String, Route>> list() {
        return current.list();
    }

    public void close() {
        if (current instanceof ChpRouteClient client) {
            client.close();
        }
    }
}
