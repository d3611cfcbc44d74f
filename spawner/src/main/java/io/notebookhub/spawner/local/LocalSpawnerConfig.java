package io.notebookhub.spawner.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The local-process spawner's configuration.
 *
 * @param serversDir each user's working folder is created below it
 * @param command the single-user server command, e.g. {@code [jupyterhub-singleuser]}
 * @param allowRoot when the hub runs as root and no {@code runAsUser} is given, pass {@code --allow-root}
 * @param runAsUser run servers as this unprivileged OS user (needs the hub to run as root); empty for the hub's user
 * @param environment extra environment for every server
 */
public record LocalSpawnerConfig(Path serversDir, List<String> command, boolean allowRoot, String runAsUser,
                                 Map<String, String> environment) {}
