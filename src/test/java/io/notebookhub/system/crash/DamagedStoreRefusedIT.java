package io.notebookhub.system.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.store.PostgresCluster;
import io.notebookhub.system.HubProcess;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store the hub cannot trust stops start-up: a non-zero exit and one line saying what is wrong and what to do,
 * never a hub that starts empty, and never H2's advice or a stack trace.
 */
class DamagedStoreRefusedIT {
    @TempDir
    Path temp;

    /** Runs the jar on {@code hub}'s settings and returns the log of the refused start. */
    private static String refusedStart(HubProcess hub) throws Exception {
        // A second hub on the same folder writes to the first one's log file: only what this start adds counts.
        Path logFile = hub.dataDir.resolveSibling(hub.dataDir.getFileName() + "-hub.log");
        int before = Files.exists(logFile) ? Files.readString(logFile).length() : 0;
        Process p = hub.launch();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the hub exits instead of starting").isTrue();
            assertThat(p.exitValue()).isEqualTo(1);
            String out = Files.readString(logFile).substring(before);
            assertThat(out).doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(out.lines().filter(l -> l.startsWith("notebook-hub: could not start: "))).hasSize(1);
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    private static HubProcess hubWithUsers(Path data, int users) throws Exception {
        HubProcess hub = new HubProcess(data, List.of()).start();
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < users; i++) {
            names.append(i == 0 ? "" : ",").append("\"user").append(i).append('"');
        }
        assertThat(hub.call("POST", "/hub/api/users", "{\"usernames\": [" + names + "]}", HubProcess.ADMIN_TOKEN)
                .statusCode()).isEqualTo(201);
        return hub;
    }

    @Test
    void aStoreTruncatedToItsFirst8KiBStopsStartUpWithOneLineAndIsNotOverwritten() throws Exception {
        Path data = temp.resolve("data");
        try (HubProcess hub = hubWithUsers(data, 500)) {
            hub.stop();
            Path file = data.resolve("hub.mv.db");
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(8192);
            }
            String out = refusedStart(hub);
            assertThat(out).contains("is damaged").contains("restore it from a backup");
            assertThat(Files.size(file)).isEqualTo(8192);
        }
    }

    @Test
    void aStoreWrittenByANewerVersionStopsStartUpWithOneLine() throws Exception {
        Path data = temp.resolve("data");
        try (HubProcess hub = hubWithUsers(data, 3)) {
            hub.stop();
            try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("hub"), "hub", "");
                 Statement st = c.createStatement()) {
                st.execute("INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\", "
                        + "\"type\", \"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\") "
                        + "VALUES (99, '99', 'from the future', 'SQL', 'V99__from_the_future.sql', 0, 'hub', 1, TRUE)");
            }
            assertThat(refusedStart(hub)).contains("schema version 99").contains("newer than this Notebook Hub");
        }
    }

    @Test
    void aSecondHubOnTheSameDataFolderIsRefusedWithOneLine() throws Exception {
        Path data = temp.resolve("data");
        try (HubProcess first = hubWithUsers(data, 3); HubProcess second = new HubProcess(data, List.of())) {
            String out = refusedStart(second);
            assertThat(out).contains("is in use by another process").doesNotContain("server mode");
            assertThat(first.call("GET", "/hub/api/users/user1", null, HubProcess.ADMIN_TOKEN).statusCode())
                    .as("the first hub keeps serving").isEqualTo(200);
        }
    }

    @Test
    void aSecondHubOnTheSamePostgresDatabaseIsRefusedWithOneLine() throws Exception {
        PostgresCluster pg = PostgresCluster.shared();
        String url = pg.newDatabaseUrl();
        try (HubProcess first = new HubProcess(temp.resolve("a"), List.of());
             HubProcess second = new HubProcess(temp.resolve("b"), List.of())) {
            for (HubProcess hub : List.of(first, second)) {
                hub.env.put("NBHUB_HUB_DB_URL", url);
                hub.env.put("NBHUB_HUB_DB_PASSWORD", pg.password());
            }
            first.start();
            assertThat(refusedStart(second)).contains("is in use by another hub");
        }
    }
}
