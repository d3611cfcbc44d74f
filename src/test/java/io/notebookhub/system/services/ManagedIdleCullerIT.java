package io.notebookhub.system.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.notebookhub.system.HubApi;
import io.notebookhub.system.HubProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Managed services: JupyterHub's own idle culler from PyPI, declared in {@code hub.services} with a command as
 * Zero to JupyterHub runs it, holding through {@code hub.load_roles} only the scopes its README asks for; and a
 * managed service's life: restarted when killed, stopped with the hub, and an orphan left by a hub killed with
 * SIGKILL stopped at the next start.
 */
class ManagedIdleCullerIT {
    @TempDir
    Path temp;

    @Test
    void theStockIdleCullerRunsAsAManagedServiceAndCullsAnIdleServer() throws Exception {
        try (HubProcess hub = ServicesHub.hub(temp, """
                hub:
                  admin_users: [ops]
                  services:
                    - name: idle-culler
                      command: [%s, -m, jupyterhub_idle_culler, --timeout=5, --cull-every=2]
                  load_roles:
                    - name: idle-culler
                      description: Culls idle servers
                      scopes: [list:users, read:users:activity, read:servers, delete:servers]
                      services: [idle-culler]
                """.formatted(ServicesHub.python()))) {
            hub.start();
            hub.stopServerOnClose("gail");
            assertThat(hub.call("POST", "/hub/api/users", "{\"usernames\": [\"gail\"]}", HubProcess.ADMIN_TOKEN)
                    .statusCode()).isEqualTo(201);
            assertThat(hub.call("POST", "/hub/api/users/gail/server", "{}", HubProcess.ADMIN_TOKEN).statusCode())
                    .isIn(201, 202);
            ServicesHub.awaitReady(hub, "gail");
            long pid = ServicesHub.awaitPid(hub, "idle-culler", 0);

            Path log = hub.dataDir.resolve("services/.logs/idle-culler.log");
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                JsonNode server = HubApi.adminGet(hub, "/hub/api/users/gail?include_stopped_servers=true")
                        .path("servers").path("");
                return server.path("stopped").asBoolean();
            });
            hub.serverStopped("gail");
            String said = Files.readString(log);
            assertThat(said).contains("Culling server gail").doesNotContain("Traceback").doesNotContain("403");
            // The service got its own token and JupyterHub's variables, not the hub's secrets; the hub never logs it.
            String environ = Files.readString(Path.of("/proc/" + pid + "/environ")).replace('\0', '\n');
            String token = environ.lines().filter(l -> l.startsWith("JUPYTERHUB_API_TOKEN="))
                    .map(l -> l.substring(l.indexOf('=') + 1)).findFirst().orElseThrow();
            assertThat(token).hasSizeGreaterThanOrEqualTo(32);
            assertThat(environ).contains("JUPYTERHUB_SERVICE_NAME=idle-culler", "JUPYTERHUB_API_URL=http://127.0.0.1:"
                    + hub.hubPort + "/hub/api").doesNotContain("NBHUB_", HubProcess.ADMIN_TOKEN);
            assertThat(hub.logText()).doesNotContain(token);
            assertThat(said).doesNotContain(token);
            JsonNode model = ServicesHub.service(hub, "idle-culler");
            assertThat(model.path("roles").toString()).isEqualTo("[\"idle-culler\"]");
            assertThat(model.path("command").get(1).asText()).isEqualTo("-m");
            assertThat(ServicesHub.alive(pid)).isTrue();
            assertThat(Files.getPosixFilePermissions(log)).containsExactlyInAnyOrder(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        }
    }

    @Test
    void aManagedServiceIsRestartedWhenItDiesStoppedWithTheHubAndNeverRunTwiceAfterAHubCrash() throws Exception {
        try (HubProcess hub = ServicesHub.hub(temp, """
                hub:
                  services:
                    - name: sleeper
                      command: [%s, -c, "import time; time.sleep(3600)"]
                """.formatted(ServicesHub.python()))) {
            hub.start();
            long first = ServicesHub.awaitPid(hub, "sleeper", 0);
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            long second = ServicesHub.awaitPid(hub, "sleeper", first);
            assertThat(hub.logText()).contains("service sleeper exited with status");

            hub.kill9();
            assertThat(ServicesHub.alive(second)).as("a hub killed with SIGKILL cannot stop its service").isTrue();
            hub.start();
            long third = ServicesHub.awaitPid(hub, "sleeper", second);
            await().atMost(Duration.ofSeconds(10)).until(() -> !ServicesHub.alive(second));
            assertThat(hub.logText()).contains("left running by a hub that did not stop it");

            hub.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> !ServicesHub.alive(third));
        }
    }
}
