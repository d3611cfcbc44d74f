package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code db backup FILE} while the hub runs, and {@code db restore FILE} once it is stopped, as an admin does them. */
class StoreBackupIT {
    @TempDir
    Path temp;

    private record Run(int exit, String output) {}

    private static Run jar(HubProcess hub, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(HubProcess.javaBin(), "-jar", HubProcess.jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("NBHUB_"));
        Map<String, String> env = new HashMap<>(hub.env);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    private static int user(HubProcess hub, String name) throws Exception {
        return hub.call("GET", "/hub/api/users/" + name, null, HubProcess.ADMIN_TOKEN).statusCode();
    }

    @Test
    void aBackupTakenWhileTheHubRunsRestoresWhatItHeld() throws Exception {
        Path backup = temp.resolve("backups/hub.zip");
        try (HubProcess hub = new HubProcess(temp.resolve("data"), List.of())) {
            hub.start();
            assertThat(hub.call("POST", "/hub/api/users", "{\"usernames\": [\"alice\", \"bob\"]}",
                    HubProcess.ADMIN_TOKEN).statusCode()).isEqualTo(201);
            String token = HubProcess.JSON.readTree(hub.call("POST", "/hub/api/users/alice/tokens", "{}",
                    HubProcess.ADMIN_TOKEN).body()).path("token").asText();

            Run taken = jar(hub, "db", "backup", backup.toString());
            assertThat(taken.exit()).as(taken.output()).isZero();
            assertThat(taken.output()).contains("backup written to").contains("from the running hub");
            assertThat(user(hub, "alice")).as("the hub keeps serving").isEqualTo(200);

            assertThat(hub.call("POST", "/hub/api/users/carol", null, HubProcess.ADMIN_TOKEN).statusCode())
                    .isEqualTo(201);
            Run whileRunning = jar(hub, "db", "restore", backup.toString());
            assertThat(whileRunning.exit()).isEqualTo(1);
            assertThat(whileRunning.output()).contains("in use by another process");

            hub.stop();
            Run restored = jar(hub, "db", "restore", backup.toString());
            assertThat(restored.exit()).as(restored.output()).isZero();
            assertThat(restored.output()).contains("(2 users)").contains("hub.mv.db.before-restore-");

            hub.start();
            assertThat(user(hub, "alice")).isEqualTo(200);
            assertThat(user(hub, "bob")).isEqualTo(200);
            assertThat(user(hub, "carol")).as("written after the backup").isEqualTo(404);
            assertThat(hub.call("GET", "/hub/api/user", null, token).statusCode()).as("alice's token").isEqualTo(200);
        }
    }

    @Test
    void theBackupNeedsAnAdminTokenAndRefusesWithoutOne() throws Exception {
        try (HubProcess hub = new HubProcess(temp.resolve("data"), List.of())) {
            hub.start();
            hub.env.remove("NBHUB_ADMIN_TOKEN");
            Run refused = jar(hub, "db", "backup", temp.resolve("b.zip").toString());
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.output()).contains("refused the backup (403)");
            assertThat(Files.exists(temp.resolve("b.zip"))).isFalse();
        }
    }

    @Test
    void aStoppedHubsStoreIsBackedUpFromItsFile() throws Exception {
        try (HubProcess hub = new HubProcess(temp.resolve("data"), List.of())) {
            hub.start();
            assertThat(hub.call("POST", "/hub/api/users/alice", null, HubProcess.ADMIN_TOKEN).statusCode())
                    .isEqualTo(201);
            hub.stop();
            Run taken = jar(hub, "db", "backup", temp.resolve("offline.zip").toString());
            assertThat(taken.exit()).as(taken.output()).isZero();
            assertThat(taken.output()).contains("(no hub running)");
        }
    }
}
