package io.notebookhub.system.crash;

import io.notebookhub.system.HubProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The notebook processes (servers and their kernels) of one test hub, found the way an operator would look:
 * every process whose environment points {@code JUPYTERHUB_API_URL} at this hub's port. This does not rely on
 * the hub's own marker, so it also sees what the hub might miss.
 */
final class NotebookProcesses {

    /** One process: its pid, the user it serves, and whether it is a server (not a kernel). */
    record Seen(long pid, String user, boolean server) {}

    private NotebookProcesses() {
    }

    static List<Seen> of(HubProcess hub) {
        String apiUrl = ":" + hub.hubPort + "/hub/api";
        List<Seen> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    if (stat.charAt(stat.lastIndexOf(')') + 2) == 'Z') {
                        continue;
                    }
                    Map<String, String> env = environment(Files.readAllBytes(dir.resolve("environ")));
                    if (!env.getOrDefault("JUPYTERHUB_API_URL", "").endsWith(apiUrl)) {
                        continue;
                    }
                    String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
                    found.add(new Seen(Long.parseLong(dir.getFileName().toString()),
                            env.getOrDefault("JUPYTERHUB_USER", "?"), cmdline.contains("jupyterhub-singleuser")));
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile, or not readable: not one of ours
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    /** The server processes of {@code user} (not counting kernels). */
    static List<Seen> serversOf(HubProcess hub, String user) {
        return of(hub).stream().filter(p -> p.server() && p.user().equals(user)).toList();
    }

    /** Kills every notebook process of the hub, so that no test leaves one behind whatever happened. */
    static void killAll(HubProcess hub) throws InterruptedException {
        for (int round = 0; round < 5 && !of(hub).isEmpty(); round++) {
            of(hub).forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
            Thread.sleep(200);
        }
    }

    private static Map<String, String> environment(byte[] environ) {
        Map<String, String> env = new HashMap<>();
        for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }
}
