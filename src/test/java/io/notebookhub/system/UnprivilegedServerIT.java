package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real deployments run notebook servers unprivileged: with {@code spawner.local.run_as_user} a root hub starts
 * each server as that OS user (no {@code --allow-root}), in a folder that user owns.
 */
class UnprivilegedServerIT {
    static final String OS_USER = "nbhub-user";

    @TempDir
    Path temp;

    @Test
    void aRootHubRunsTheServerAsTheConfiguredUnprivilegedUser() throws Exception {
        assumeThat(System.getProperty("user.name")).as("needs a root hub").isEqualTo("root");
        Process id = new ProcessBuilder("id", "-u", OS_USER).start();
        assumeThat(id.waitFor()).as(".ci/install-tools creates " + OS_USER).isZero();
        String uid = new String(id.getInputStream().readAllBytes()).trim();
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));

        HubProcess hub = new HubProcess(temp.resolve("data"), List.of());
        hub.env.put("NBHUB_SPAWNER_LOCAL_RUN_AS_USER", OS_USER);
        try (hub) {
            hub.start();
            assertThat(HubApi.call(hub, "POST", "/hub/api/users/dora", null, HubProcess.ADMIN_TOKEN).statusCode())
                    .isEqualTo(201);
            var started = HubApi.call(hub, "POST", "/hub/api/users/dora/server", "{}", HubProcess.ADMIN_TOKEN);
            assertThat(started.statusCode()).as(started.body()).isIn(201, 202);
            await().atMost(Duration.ofSeconds(90)).until(() -> HubApi.adminGet(hub, "/hub/api/users/dora")
                    .path("servers").path("").path("ready").asBoolean());
            String pid = HubApi.adminGet(hub, "/hub/api/users/dora").path("servers").path("").path("state")
                    .path("pid").asText();
            String status = Files.readString(Path.of("/proc", pid, "status"));
            assertThat(status).containsPattern("(?m)^Uid:\\s+" + uid + "\\s");
            assertThat(Files.getOwner(hub.dataDir.resolve("users/dora")).getName()).isEqualTo(OS_USER);

            Browser dora = new Browser(hub.baseUrl());
            dora.login("dora");
            assertThat(dora.get("/user/dora/api/status").statusCode()).isEqualTo(403);
            assertThat(dora.get("/user/dora/tree").statusCode()).isEqualTo(200);
            assertThat(dora.get("/user/dora/api/status").statusCode()).isEqualTo(200);
            HubApi.call(hub, "DELETE", "/hub/api/users/dora/server", null, HubProcess.ADMIN_TOKEN);
        }
    }
}
