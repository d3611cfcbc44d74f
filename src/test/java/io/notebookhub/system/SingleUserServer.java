package io.notebookhub.system;

import java.nio.file.Path;

/**
 * The notebook servers the hub is tested against: JupyterHub 5's single-user server with JupyterLab 4, from PyPI
 * in the virtual environment {@code .ci/install-tools} makes (what {@code bash .ci/start} runs), and Debian's
 * JupyterHub 3.0 single-user server with the classic notebook 6.4.
 */
public enum SingleUserServer {
    JUPYTERHUB_5_JUPYTERLAB_4("lab"),
    DEBIAN_JUPYTERHUB_3_NOTEBOOK_6("tree");

    /** The UI's path under a server's prefix, where the server sends a browser that opens the prefix. */
    public final String ui;

    SingleUserServer(String ui) {
        this.ui = ui;
    }

    public Path command() {
        return this == JUPYTERHUB_5_JUPYTERLAB_4 ? venv().resolve("bin/jupyterhub-singleuser")
                : Path.of("/usr/bin/jupyterhub-singleuser");
    }

    /** The virtual environment with JupyterHub 5, JupyterLab 4 and jupyterhub-idle-culler. */
    public static Path venv() {
        return HubProcess.repo().resolve(".tools/jupyter");
    }
}
