package io.notebookhub.hub.servers;

import io.vertx.core.Future;
import java.util.Map;

/**
 * Runs before each spawn; may refresh the user's identity-provider tokens and returns extra environment variables
 * for the server. A failed future fails the spawn with its message.
 */
@FunctionalInterface
public interface SpawnEnvironmentHook {
    SpawnEnvironmentHook NONE = user -> Future.succeededFuture(Map.of());

    Future<Map<String, String>> environment(String user);
}
