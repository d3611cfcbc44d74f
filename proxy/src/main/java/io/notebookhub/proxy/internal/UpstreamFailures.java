package io.notebookhub.proxy.internal;

import io.notebookhub.proxy.Route;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells whoever listens (the embedded hub) that a route's target refused a connection or timed out. */
public final class UpstreamFailures {
    private static final Logger log = LoggerFactory.getLogger(UpstreamFailures.class);
    private final List<Consumer<Route>> listeners = new CopyOnWriteArrayList<>();

    public void add(Consumer<Route> listener) {
        listeners.add(listener);
    }

    void report(RouteEntry entry, Throwable cause) {
        log.warn("Target {} of route {} failed: {}", entry.target(), entry.prefix(), cause.toString());
        if (listeners.isEmpty()) {
            return;
        }
        Route route = entry.toRoute();
        for (Consumer<Route> l : listeners) {
            try {
                l.accept(route);
            } catch (RuntimeException e) {
                log.warn("Upstream failure listener threw", e);
            }
        }
    }
}
