package io.notebookhub.proxy;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of the route table, in configurable-http-proxy's terms.
 *
 * @param prefix path prefix without trailing slash ({@code /user/alice}); {@code /} is the default route
 * @param target URL the traffic goes to ({@code http://127.0.0.1:41234})
 * @param lastActivity the last time traffic passed in either direction
 * @param data the extra keys the route was added with, kept verbatim
 * @param lastInteractiveActivity the last time traffic other than a notebook tab's background polling
 *     (GET/HEAD of {@code /api/status}, {@code /api/kernels}... and WebSocket ping/pong) passed; equals
 *     {@code lastActivity} for a proxy that does not tell them apart (such as configurable-http-proxy)
 */
public record Route(String prefix, String target, Instant lastActivity, Map<String, Object> data,
                    Instant lastInteractiveActivity) {

    /** A route from a proxy that only reports {@code last_activity}. */
    public Route(String prefix, String target, Instant lastActivity, Map<String, Object> data) {
        this(prefix, target, lastActivity, data, lastActivity);
    }
}
