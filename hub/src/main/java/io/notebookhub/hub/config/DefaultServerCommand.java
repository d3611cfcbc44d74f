package io.notebookhub.hub.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The default of {@code spawner.local.command}. README's first command installs JupyterHub 5 and JupyterLab 4
 * into {@code .tools/jupyter} (a virtual environment made by {@code .ci/install-tools}); when the hub runs from
 * the folder holding it, as {@code .ci/start} runs it, servers start from there by absolute path, which needs
 * no activated environment and no PATH. Elsewhere the default is whatever {@code jupyterhub-singleuser} is on
 * the PATH. A command set in the config file or in {@code NBHUB_SPAWNER_LOCAL_COMMAND} always wins.
 */
final class DefaultServerCommand {
    static final Path VENV_COMMAND = Path.of(".tools", "jupyter", "bin", "jupyterhub-singleuser");

    private DefaultServerCommand() {
    }

    static List<String> in(Path workingDir) {
        Path venv = workingDir.resolve(VENV_COMMAND).toAbsolutePath().normalize();
        return Files.isExecutable(venv) ? List.of(venv.toString()) : List.of("jupyterhub-singleuser");
    }
}
