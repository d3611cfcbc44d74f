package io.notebookhub.spawner.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment a server starts from: built from nothing, never copied from the hub, whose own environment holds
 * its secrets ({@code NBHUB_ADMIN_TOKEN}, {@code CONFIGPROXY_AUTH_TOKEN}, a client secret). A fixed safe PATH plus
 * the folder of the server command (a venv's {@code bin/}), the home, the account's name and a UTF-8 locale; the
 * spawner then adds JupyterHub's variables, the configured environment and the profile's.
 */
final class ServerEnvironmentPolicy {
    static final String SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ServerEnvironmentPolicy() {
    }

    /** @param account the OS account the server runs as, or null for the hub's own */
    static Map<String, String> base(List<String> command, Path home, String account) {
        Map<String, String> env = new LinkedHashMap<>();
        String path = SAFE_PATH;
        if (!command.isEmpty()) {
            Path executable = Path.of(command.get(0));
            if (executable.isAbsolute() && executable.getParent() != null) {
                path = executable.getParent() + ":" + path;
            }
        }
        env.put("PATH", path);
        env.put("HOME", home.toAbsolutePath().toString());
        String user = account != null ? account : System.getProperty("user.name");
        env.put("USER", user);
        env.put("LOGNAME", user);
        env.put("LANG", "C.UTF-8");
        env.put("SHELL", "/bin/bash");
        return env;
    }
}
