package io.notebookhub.spawner;

import java.util.Map;

/**
 * A server that answers.
 *
 * @param url where the proxy sends its traffic, e.g. {@code http://10.0.3.7:8888} (no path)
 * @param state what the spawner needs to find the server again after a hub restart (pod name, pid, port), as
 *              JSON values; the hub stores it verbatim
 */
public record SpawnedServer(String url, Map<String, Object> state) {}
