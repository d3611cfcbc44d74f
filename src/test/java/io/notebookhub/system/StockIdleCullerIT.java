package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JupyterHub's own idle culler from PyPI ({@code jupyterhub-idle-culler}, in the virtual environment
 * {@code .ci/install-tools} makes), run as a service against our REST API with a token holding only the scopes its
 * README asks for: it lists the ready servers, finds the idle one and stops it.
 */
class StockIdleCullerIT {
    private static final String CULLER_SCOPES =
            "[\"list:users\", \"read:users:activity\", \"read:servers\", \"delete:servers\"]";

    @TempDir
    Path temp;

    @Test
    void theStockCullerStopsAnIdleServerThroughTheRestApi() throws Exception {
        Path culler = SingleUserServer.venv().resolve("bin/jupyterhub-idle-culler");
        assertThat(culler).as("run .ci/install-tools to install jupyterhub-idle-culler").isExecutable();
        HubProcess hub = new HubProcess(temp.resolve("data"), List.of())
                .singleUser(SingleUserServer.JUPYTERHUB_5_JUPYTERLAB_4).adminUsers("ops");
        hub.env.put("NBHUB_CULLER_ENABLED", "false");
        Process process = null;
        Path log = temp.resolve("idle-culler.log");
        try (hub) {
            hub.start();
            hub.stopServerOnClose("gail");
            assertThat(hub.call("POST", "/hub/api/users", "{\"usernames\": [\"ops\", \"gail\"]}",
                    HubProcess.ADMIN_TOKEN).statusCode()).isEqualTo(201);
            HttpResponse<String> issued = hub.call("POST", "/hub/api/users/ops/tokens",
                    "{\"scopes\": " + CULLER_SCOPES + ", \"note\": \"jupyterhub-idle-culler\"}", HubProcess.ADMIN_TOKEN);
            assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
            String token = HubApi.JSON.readTree(issued.body()).path("token").asText();

            assertThat(hub.call("POST", "/hub/api/users/gail/server", "{}", HubProcess.ADMIN_TOKEN).statusCode())
                    .isIn(201, 202);
            SingleUserServerContract.awaitReady(hub, "gail", "");

            ProcessBuilder pb = new ProcessBuilder(culler.toString(), "--url=" + hub.baseUrl() + "/hub/api",
                    "--timeout=5", "--cull-every=2").redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().clear();
            pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            pb.environment().put("JUPYTERHUB_API_TOKEN", token);
            process = pb.start();

            Process running = process;
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                assertThat(running.isAlive()).as("the culler runs; its log:\n" + Files.readString(log)).isTrue();
                JsonNode server = HubApi.adminGet(hub, "/hub/api/users/gail?include_stopped_servers=true")
                        .path("servers").path("");
                return server.path("stopped").asBoolean();
            });
            hub.serverStopped("gail");
            String said = Files.readString(log);
            assertThat(said).contains("Culling server gail").doesNotContain("Traceback").doesNotContain("403");
        } finally {
            if (process != null) {
                process.destroy();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
