package io.notebookhub.hub.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Existing hubs keep their users in an embedded store written by H2 2.2.220 and Flyway 9 (the releases before the
 * dependency upgrade). {@code store/hub-h2-2.2.220.mv.db.gz} is such a file, written by a hub of that release: users
 * alice-from-2024 and bob, alice's API token noted "kept across the upgrade", group team-a with alice. The hub of
 * today must open it in place (H2 reads the file format of 2.2 as it is; nothing to export or convert) and see all of
 * it, and Flyway must accept the schema history its predecessor wrote.
 */
class EarlierH2StoreFileTest {
    @TempDir
    Path dataDir;

    @Test
    void aStoreWrittenByH2Release2_2_220OpensInPlaceWithItsUsersTokensAndGroups() throws Exception {
        Path file = unpackInto(dataDir);
        String formatBefore = header(file).get("format");

        try (H2HubStore store = H2HubStore.open(dataDir)) {
            assertThat(store.user("alice-from-2024")).hasValueSatisfying(u -> assertThat(u.groups()).containsExactly("team-a"));
            assertThat(store.user("bob")).isPresent();
            assertThat(store.group("team-a")).hasValueSatisfying(g -> assertThat(g.users()).containsExactly("alice-from-2024"));
            assertThat(store.tokens("alice-from-2024")).extracting(TokenRecord::note).contains("kept across the upgrade");
        }
        assertThat(header(file).get("format")).as("the store's file format (H2 would have needed an export/import)")
                .isEqualTo(formatBefore);

        try (Connection c = DriverManager.getConnection(new EmbeddedStoreFile(dataDir).jdbcUrl(), "hub", "");
             Statement s = c.createStatement()) {
            List<String> history = new ArrayList<>();
            try (ResultSet r = s.executeQuery(
                    "SELECT \"version\", \"success\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
                while (r.next()) {
                    history.add(r.getString(1) + ":" + r.getBoolean(2));
                }
            }
            assertThat(history).as("Flyway 9's history, taken as it is").containsExactly("1:true", "2:true", "3:true", "5:true");
            try (ResultSet r = s.executeQuery("SELECT H2VERSION()")) {
                r.next();
                assertThat(r.getString(1)).as("opened by today's H2, not the one that wrote it").isNotEqualTo("2.2.220");
            }
        }
    }

    private static Path unpackInto(Path dir) throws Exception {
        Path file = dir.resolve("hub.mv.db");
        try (InputStream in = new GZIPInputStream(EarlierH2StoreFileTest.class.getResourceAsStream("/store/hub-h2-2.2.220.mv.db.gz"))) {
            Files.copy(in, file);
        }
        return file;
    }

    private static java.util.Map<String, String> header(Path file) {
        try (MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open()) {
            java.util.Map<String, String> h = new java.util.HashMap<>();
            store.getStoreHeader().forEach((k, v) -> h.put(k, String.valueOf(v)));
            return h;
        }
    }
}
