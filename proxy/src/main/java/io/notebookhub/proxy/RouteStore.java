package io.notebookhub.proxy;

import io.vertx.core.Future;
import java.util.Map;

/**
 * The hub's view of a proxy's routes: the same operations as configurable-http-proxy's REST API,
 * whether the proxy runs in this JVM or elsewhere.
 */
public interface RouteStore {

    /** Adds or replaces the route for {@code prefix}; stamps its last activity now. */
    Future<Void> add(String prefix, String target, Map<String, Object> data);

    /** Removes the route; removing an absent route succeeds. */
    Future<Void> remove(String prefix);

    /** Every route, keyed by prefix. */
    Future<Map<String, Route>> list();
}
