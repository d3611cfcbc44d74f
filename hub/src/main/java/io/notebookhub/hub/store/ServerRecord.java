package io.notebookhub.hub.store;

import java.time.Instant;
import java.util.Map;

/**
 * A server as stored. Stopped servers keep their row, so a named server remembers its profile and options.
 *
 * @param status {@code starting}, {@code running}, {@code stopping} or {@code stopped}
 * @param url where the proxy routes to while running
 * @param spawnerState what the spawner needs to find the server after a restart, as JSON values; while starting,
 *                     what it recorded before launching (see {@code Spawner.intent})
 * @param stopReason why it last stopped or failed, for the user and the REST API
 */
public record ServerRecord(String user, String name, String status, String profile, Map<String, String> userOptions,
                           String url, Map<String, Object> spawnerState, Instant started, Instant lastActivity,
                           String stopReason) {

    public static final String STARTING = "starting";
    public static final String RUNNING = "running";
    public static final String STOPPING = "stopping";
    public static final String STOPPED = "stopped";

    public boolean active() {
        return !STOPPED.equals(status);
    }

    public ServerRecord withStatus(String newStatus) {
        return new ServerRecord(user, name, newStatus, profile, userOptions, url, spawnerState, started, lastActivity,
                stopReason);
    }

    public ServerRecord running(String newUrl, Map<String, Object> state, Instant now) {
        return new ServerRecord(user, name, RUNNING, profile, userOptions, newUrl, state, started, now, null);
    }

    public ServerRecord stopped(String reason) {
        return new ServerRecord(user, name, STOPPED, profile, userOptions, null, Map.of(), null, lastActivity, reason);
    }
}
