package io.notebookhub.proxy.internal;

import io.notebookhub.proxy.Route;
import java.time.Instant;
import java.util.Map;

/**
 * A live route: immutable routing facts plus two activity stamps that the forwarding threads write
 * with plain volatile stores (no lock, no allocation) and the API reads.
 */
public final class RouteEntry {
    private final String prefix;
    private final String target;
    private final Target parsed;
    private final Map<String, Object> data;
    /** Length of the path part of the prefix (the host segment excluded under host routing; 0 for "/"). */
    private final int pathPrefixLength;
    private volatile long lastActivity;
    private volatile long lastInteractiveActivity;

    RouteEntry(String prefix, String target, Map<String, Object> data, int pathPrefixLength, long now) {
        this.prefix = prefix;
        this.target = target;
        this.parsed = Target.parse(target);
        this.data = data;
        this.pathPrefixLength = pathPrefixLength;
        this.lastActivity = now;
        this.lastInteractiveActivity = now;
    }

    public String prefix() { return prefix; }
    public String target() { return target; }
    public Target parsedTarget() { return parsed; }
    public Map<String, Object> data() { return data; }
    public int pathPrefixLength() { return pathPrefixLength; }
    public long lastActivity() { return lastActivity; }
    public long lastInteractiveActivity() { return lastInteractiveActivity; }

    /** Traffic that a person causes (or that we cannot tell from it). */
    public void touchInteractive(long now) {
        // Skipping equal stamps spares the cache line when thousands of requests arrive in one millisecond.
        if (lastInteractiveActivity != now) {
            lastInteractiveActivity = now;
        }
        if (lastActivity != now) {
            lastActivity = now;
        }
    }

    /** Traffic a notebook tab makes by itself (status polling, WebSocket ping/pong). */
    public void touchBackground(long now) {
        if (lastActivity != now) {
            lastActivity = now;
        }
    }

    public Route toRoute() {
        return new Route(prefix, target, Instant.ofEpochMilli(lastActivity), data,
                Instant.ofEpochMilli(lastInteractiveActivity));
    }
}
