package io.notebookhub.spawner;

import java.time.Duration;
import java.util.Map;

/**
 * A server that answers.
 *
 * @param url where the proxy sends its traffic, e.g. {@code http://10.0.3.7:8888} (no path)
 * @param state what the spawner needs to find the server again after a hub restart (pod name, pid, port), as
 *              JSON values; the hub stores it verbatim
 * @param waitedForNode how long the server waited for a node to have room (the scheduler found none, then a
 *                      preemption or a new node made some); zero when it was placed at once
 */
public record SpawnedServer(String url, Map<String, Object> state, Duration waitedForNode) {
    public SpawnedServer {
        waitedForNode = waitedForNode == null ? Duration.ZERO : waitedForNode;
    }

    public SpawnedServer(String url, Map<String, Object> state) {
        this(url, state, Duration.ZERO);
    }
}
