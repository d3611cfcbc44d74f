package io.notebookhub.hub.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Headers on every hub response: no framing by other sites (clickjacking of admin actions), no MIME sniffing, no
 * full URLs (with their query strings) leaked in Referer to other sites. {@code hub.headers} adds or replaces
 * headers, as JupyterHub's {@code tornado_settings['headers']} does; an empty value removes one.
 */
public final class SecurityHeaders implements Handler<RoutingContext> {
    public static final Map<String, String> DEFAULTS = Map.of(
            "Content-Security-Policy", "frame-ancestors 'self'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "same-origin");

    private final Map<String, String> headers;

    public SecurityHeaders(Map<String, String> configured) {
        Map<String, String> merged = new LinkedHashMap<>();
        DEFAULTS.forEach(merged::put);
        configured.forEach((name, value) -> {
            merged.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
            if (!value.isEmpty()) {
                merged.put(name, value);
            }
        });
        this.headers = Map.copyOf(merged);
    }

    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public void handle(RoutingContext ctx) {
        MultiMap out = ctx.response().headers();
        headers.forEach(out::set);
        ctx.next();
    }
}
