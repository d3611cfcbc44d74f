package io.notebookhub.proxy.internal;

/**
 * configurable-http-proxy's request counters ({@code --metrics-port}). {@link #NONE} costs nothing on the
 * forwarding path when no metrics port is asked for.
 */
public interface ProxyMetrics {
    ProxyMetrics NONE = new ProxyMetrics() { };

    /** A public request that is not a WebSocket upgrade (CHP's {@code requests_web}). */
    default void webRequest() { }

    /** A WebSocket upgrade request ({@code requests_ws}). */
    default void webSocketRequest() { }

    /** The status a proxied request ended with, the target's or the proxy's own error ({@code requests_proxy}). */
    default void proxied(int status) { }

    /** A REST API request and its status ({@code requests_api}). */
    default void api(int status) { }

    /** {@code api_route_get}, {@code api_route_add}, {@code api_route_delete}. */
    default void routeGet() { }

    default void routeAdd() { }

    default void routeDelete() { }
}
