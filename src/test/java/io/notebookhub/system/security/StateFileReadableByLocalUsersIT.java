package io.notebookhub.system.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.HubProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another local user on the hub's machine reads the hub's state file, which holds the cookie secret and the
 * auth_state key, to forge sessions. The data folder is 0700 and its files 0600, created so, and narrowed (with a
 * warning) at start-up when found wider.
 */
@SecurityHubTest
class StateFileReadableByLocalUsersIT {
    @TempDir
    Path temp;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static void assertPrivate(Path dataDir) throws Exception {
        assertThat(mode(dataDir)).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(dataDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void theStateIsCreatedPrivateAndNarrowedAgainWhenFoundWider() throws Exception {
        Path dataDir = temp.resolve("hub").resolve("state");
        HubProcess hub = new HubProcess(temp.resolve("hub"), List.of());
        hub.env.put("NBHUB_HUB_DATA_DIR", dataDir.toString());
        try (hub) {
            hub.start();
            assertThat(Files.exists(dataDir.resolve("hub.mv.db"))).isTrue();
            assertPrivate(dataDir);
            assertThat(hub.logText()).doesNotContain("readable by other local users");

            hub.stop();
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(dataDir.resolve("hub.mv.db"), PosixFilePermissions.fromString("rw-r--r--"));
            hub.start();

            assertPrivate(dataDir);
            assertThat(hub.logText()).contains("readable by other local users");
        }
    }

    @Test
    void serverLogsAndHomesAreReadableByTheirOwnerOnly(SecurityHub hub) throws Exception {
        Path logs = hub.dataDir.resolve("users").resolve(".logs");
        assertThat(mode(logs)).isEqualTo("rwx------");
        assertThat(mode(logs.resolve("alice.log"))).isEqualTo("rw-------");
        assertThat(mode(hub.dataDir.resolve("users").resolve("alice"))).isEqualTo("rwx------");
        assertPrivate(hub.dataDir);
    }
}
