package io.notebookhub.system.services;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.notebookhub.system.HubApi;
import io.notebookhub.system.HubProcess;
import io.notebookhub.system.SingleUserServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A hub started with a YAML config holding {@code hub.services} and {@code hub.load_roles}, and what its tests share. */
final class ServicesHub {
    private ServicesHub() {
    }

    /** The venv's Python, which has jupyterhub, jupyterhub-idle-culler and nbgitpuller installed. */
    static String python() {
        return SingleUserServer.venv().resolve("bin/python").toString();
    }

    /** A hub (JupyterHub 5 single-user servers, the built-in culler off) reading {@code yaml} as its --config. */
    static HubProcess hub(Path temp, String yaml) throws IOException {
        Path config = temp.resolve("config.yaml");
        Files.writeString(config, yaml);
        HubProcess hub = new HubProcess(temp.resolve("data"), List.of("--config", config.toString()))
                .singleUser(SingleUserServer.JUPYTERHUB_5_JUPYTERLAB_4);
        hub.env.put("NBHUB_CULLER_ENABLED", "false");
        return hub;
    }

    /** Copies a test resource to {@code folder} and returns its path. */
    static Path resource(String name, Path folder) throws IOException {
        Path out = folder.resolve(Path.of(name).getFileName().toString());
        try (InputStream in = ServicesHub.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            Files.copy(in, out);
        }
        return out;
    }

    static JsonNode service(HubProcess hub, String name) throws Exception {
        return HubApi.adminGet(hub, "/hub/api/services/" + name);
    }

    /** Waits until the managed service runs (its pid in the REST model) and returns the pid. */
    static long awaitPid(HubProcess hub, String name, long notThis) {
        long[] pid = new long[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
            pid[0] = service(hub, name).path("pid").asLong();
            return pid[0] > 0 && pid[0] != notThis;
        });
        return pid[0];
    }

    static void awaitReady(HubProcess hub, String user) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                HubApi.adminGet(hub, "/hub/api/users/" + user).path("servers").path("").path("ready").asBoolean());
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
