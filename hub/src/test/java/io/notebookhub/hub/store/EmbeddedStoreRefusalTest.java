package io.notebookhub.hub.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store refuses, in one line, a file it cannot trust, and opens every file it can. */
class EmbeddedStoreRefusalTest {
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    @TempDir
    Path dir;

    private void fill(int users) {
        try (H2HubStore store = H2HubStore.open(dir)) {
            List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < users; i++) {
                names.add("user" + i);
                if (names.size() == 100) {
                    store.ensureUsers(names, false, NOW);
                    names.clear();
                }
            }
            store.ensureUsers(names, false, NOW);
        }
    }

    private static void truncate(Path file, long size) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    @Test
    void aStoreTruncatedToItsFirst8KiBIsRefusedAndLeftAsItWas() throws Exception {
        fill(2000);
        Path file = dir.resolve("hub.mv.db");
        truncate(file, 8192);
        assertThatThrownBy(() -> H2HubStore.open(dir)).isInstanceOf(StoreRefusedException.class)
                .hasMessageContaining("is damaged").hasMessageContaining("restore it from a backup")
                .hasMessageNotContaining("\n");
        assertThat(Files.size(file)).isEqualTo(8192);
    }

    @Test
    void aStoreMissingItsNewestDataIsRefusedRatherThanOpenedAtAnOlderVersion() throws Exception {
        for (int round = 0; round < 5; round++) {
            try (H2HubStore store = H2HubStore.open(dir)) {
                for (int i = 0; i < 200; i++) {
                    store.ensureUser("r" + round + "u" + i, false, NOW);
                }
            }
        }
        Path file = dir.resolve("hub.mv.db");
        truncate(file, Files.size(file) / 2);
        assertThatThrownBy(() -> H2HubStore.open(dir)).isInstanceOf(StoreRefusedException.class)
                .hasMessageContaining("is damaged");
    }

    /**
     * The file as a crash leaves it: a store closed once, opened again and written to, copied while the hub has it
     * open (every commit is on disk when it returns, and H2 has rewritten the header without its mark of a close),
     * into a folder of its own.
     */
    private Path leftOpen(int users) throws Exception {
        Path copy = Files.createDirectories(dir.resolve("after-crash"));
        try (H2HubStore store = H2HubStore.open(dir)) {
            store.ensureUser("first", false, NOW);
        }
        try (H2HubStore store = H2HubStore.open(dir)) {
            for (int i = 0; i < users; i++) {
                store.ensureUser("u" + i, false, NOW);
            }
            Files.copy(dir.resolve("hub.mv.db"), copy.resolve("hub.mv.db"));
        }
        return copy;
    }

    @Test
    void aStoreLeftOpenByACrashOpensWithEveryCommitAndIsMarkedClosedForTheNextStart() throws Exception {
        Path copy = leftOpen(300);
        try (H2HubStore store = H2HubStore.open(copy)) {
            assertThat(store.user("u0")).isPresent();
            assertThat(store.user("u299")).as("the newest commit").isPresent();
        }
        String header = new String(Files.readAllBytes(copy.resolve("hub.mv.db")), 0, 4096,
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(header).contains("clean:1");
    }

    /**
     * After a crash, the header's recorded version is that of its last rewrite, often well before the newest commit,
     * so a file cut short above it cannot be told from one whose newest commits are all there; cut to its header, it
     * can.
     */
    @Test
    void aStoreLeftOpenByACrashWithNothingButItsHeaderIsRefusedAndNotWrittenTo() throws Exception {
        Path copy = leftOpen(2000);
        Path file = copy.resolve("hub.mv.db");
        truncate(file, 8192);
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> H2HubStore.open(copy)).isInstanceOf(StoreRefusedException.class)
                .hasMessageContaining("is damaged").hasMessageContaining("restore it from a backup")
                .hasMessageNotContaining("\n");
        assertThat(Files.readAllBytes(file)).as("the damaged file, byte for byte").isEqualTo(before);
    }

    @Test
    void aStoreLockedByAnotherProcessIsRefusedWithoutH2sAdvice() throws Exception {
        fill(3);
        // Another process takes the same kind of lock H2 takes (fcntl), as a second hub's JVM would.
        Process holder = new ProcessBuilder("python3", "-c", "import fcntl, sys, time\n"
                + "f = open(sys.argv[1], 'r+'); fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
                + "print('locked', flush=True); time.sleep(60)", dir.resolve("hub.mv.db").toString()).start();
        try {
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine())
                    .isEqualTo("locked");
            assertThatThrownBy(() -> H2HubStore.open(dir)).isInstanceOf(StoreRefusedException.class)
                    .hasMessageContaining("in use by another process").hasMessageNotContaining("server mode");
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void theSameProcessOpeningTheStoreAgainSharesIt() {
        try (H2HubStore first = H2HubStore.open(dir)) {
            first.ensureUser("alice", false, NOW);
            try (H2HubStore second = H2HubStore.open(dir)) {
                assertThat(second.user("alice")).isPresent();
            }
        }
    }

    @Test
    void aStoreWithASchemaNewerThanTheCodeIsRefused() throws Exception {
        fill(3);
        String url = new EmbeddedStoreFile(dir).jdbcUrl();
        try (Connection c = DriverManager.getConnection(url, "hub", ""); Statement st = c.createStatement()) {
            st.execute("INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\", "
                    + "\"type\", \"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\") "
                    + "VALUES (99, '99', 'from the future', 'SQL', 'V99__from_the_future.sql', 0, 'hub', 1, TRUE)");
        }
        assertThatThrownBy(() -> H2HubStore.open(dir)).isInstanceOf(StoreRefusedException.class)
                .hasMessageContaining("schema version 99").hasMessageContaining("newer than this Notebook Hub");
    }

    @Test
    void aStoreMadeWhenTheMigrationsLivedInDbMigrationStillOpensWithItsUsers() throws Exception {
        // Before PostgreSQL, V1 and V2 sat in classpath:db/migration under the same names and content.
        String url = new EmbeddedStoreFile(dir).jdbcUrl();
        Flyway.configure().dataSource(url, "hub", "").locations("classpath:db/vendor/h2").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "hub", ""); Statement st = c.createStatement()) {
            st.execute("INSERT INTO users (name, created) VALUES ('old', CURRENT_TIMESTAMP)");
        }
        try (H2HubStore store = H2HubStore.open(dir)) {
            assertThat(store.user("old")).isPresent();
        }
    }

    @Test
    void aFreshDataFolderStartsAnEmptyStore() {
        try (H2HubStore store = H2HubStore.open(dir)) {
            assertThat(store.counts()).containsEntry("users", 0L);
        }
    }
}
