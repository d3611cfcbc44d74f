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
 */
public record Route(String prefix, String target, Instant lastActivity, Map<String, Object> data) {}
