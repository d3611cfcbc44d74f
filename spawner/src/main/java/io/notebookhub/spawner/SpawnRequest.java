package io.notebookhub.spawner;

import io.notebookhub.profiles.ResolvedProfile;
import java.time.Duration;
import java.util.Map;

/**
 * Everything a spawner needs to start one server.
 *
 * @param server which server
 * @param env JupyterHub's environment for the single-user server. The spawner adds
 *            {@code JUPYTERHUB_SERVICE_URL}, because only it knows the address the server binds
 * @param profile the resolved profile (resources, image, placement)
 * @param startTimeout how long the server may take to become ready before the spawn fails
 * @param intent what the hub recorded from {@link Spawner#intent} before this start; empty when the caller
 *               recorded nothing, and the spawner then makes its own
 */
public record SpawnRequest(ServerId server, Map<String, String> env, ResolvedProfile profile, Duration startTimeout,
                           Map<String, Object> intent) {
    public SpawnRequest {
        intent = intent == null ? Map.of() : Map.copyOf(intent);
    }

    public SpawnRequest(ServerId server, Map<String, String> env, ResolvedProfile profile, Duration startTimeout) {
        this(server, env, profile, startTimeout, Map.of());
    }
}
