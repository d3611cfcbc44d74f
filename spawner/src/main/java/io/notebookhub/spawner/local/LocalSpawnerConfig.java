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
 * @param createSystemUsers when the hub runs as root, run each user's server as an OS account of its own, created
 *     on first spawn (JupyterHub's {@code create_system_users})
 * @param systemUserPattern the account name, with {@code {username}} standing for the escaped hub user name
 */
public record LocalSpawnerConfig(Path serversDir, List<String> command, boolean allowRoot, String runAsUser,
                                 Map<String, String> environment, boolean createSystemUsers,
                                 String systemUserPattern) {

    public LocalSpawnerConfig(Path serversDir, List<String> command, boolean allowRoot, String runAsUser,
                              Map<String, String> environment) {
        this(serversDir, command, allowRoot, runAsUser, environment, false, "nb-{username}");
    }

    /** Servers run as OS accounts other than the hub's, so their folders must be reachable by those accounts. */
    public boolean serversRunAsOtherAccounts() {
        return !runAsUser.isEmpty() || createSystemUsers;
    }
}
