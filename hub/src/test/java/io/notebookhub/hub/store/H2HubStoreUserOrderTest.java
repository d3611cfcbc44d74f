package io.notebookhub.hub.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.store.HubStore.UserState;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** User listings in JupyterHub 5's orders through the store: ids from the database, activity from its writes. */
class H2HubStoreUserOrderTest {
    /** The embedded store here; the PostgreSQL subclass runs every test again on PostgreSQL. */
    StoreDatabase database() {
        return StoreDatabase.h2();
    }

    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
    final StoreDatabase db = database();
    private H2HubStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private List<String> names(int offset, int limit, UserState state, String sort) {
        return store.users(offset, limit, "", state, UserSort.parse(sort).orElseThrow()).stream()
                .map(UserRecord::name).toList();
    }

    private void server(String user, String status) {
        store.saveServer(new ServerRecord(user, "", status, "small", Map.of(), null, Map.of(), NOW, NOW, null));
    }

    @Test
    void usersListInCreationOrderWhetherMadeOneByOneOrInBulk() {
        store = db.open();
        store.ensureUser("zed", false, NOW);
        store.ensureUsers(List.of("mia", "amy", "zed", "kai"), false, NOW);
        store.ensureUser("bob", false, NOW);
        store.ensureUser("mia", false, NOW);
        assertThat(names(0, 10, UserState.ANY, "id")).containsExactly("zed", "mia", "amy", "kai", "bob");
        assertThat(names(0, 10, UserState.ANY, "-id")).containsExactly("bob", "kai", "amy", "mia", "zed");
        assertThat(names(0, 10, UserState.ANY, "name")).containsExactly("amy", "bob", "kai", "mia", "zed");
        assertThat(store.users(0, 10, "", UserState.ANY)).extracting(UserRecord::name)
                .containsExactly("amy", "bob", "kai", "mia", "zed");
    }

    @Test
    void activityWrittenThroughTheStoreReordersTheListingAndSurvivesAReopen() {
        store = db.open();
        store.ensureUsers(List.of("amy", "bob", "cat", "dan"), false, NOW);
        store.touchUser("cat", NOW.plusSeconds(10));
        store.touchUser("amy", NOW.plusSeconds(20));
        store.touchUser("amy", NOW.plusSeconds(5));
        assertThat(names(0, 10, UserState.ANY, "last_activity")).containsExactly("bob", "dan", "cat", "amy");
        assertThat(names(0, 10, UserState.ANY, "-last_activity")).containsExactly("amy", "cat", "dan", "bob");
        store.deleteUser("bob");
        store.ensureUser("bob", false, NOW);
        try (H2HubStore again = db.open()) {
            assertThat(again.users(0, 10, "", UserState.ANY, UserSort.parse("-last_activity").orElseThrow()))
                    .extracting(UserRecord::name).containsExactly("amy", "cat", "bob", "dan");
            assertThat(again.users(0, 10, "", UserState.ANY, UserSort.ID)).extracting(UserRecord::name)
                    .containsExactly("amy", "cat", "dan", "bob");
        }
    }

    @Test
    void aSortedListingCombinesWithTheStateFilterOffsetAndLimit() {
        store = db.open();
        store.ensureUsers(List.of("u5", "u4", "u3", "u2", "u1", "u0"), false, NOW);
        for (int i = 0; i < 6; i++) {
            store.touchUser("u" + i, NOW.plusSeconds(i));
        }
        server("u1", ServerRecord.RUNNING);
        server("u2", ServerRecord.STARTING);
        server("u4", ServerRecord.RUNNING);
        server("u5", ServerRecord.RUNNING);
        assertThat(names(0, 2, UserState.READY, "-last_activity")).containsExactly("u5", "u4");
        assertThat(names(2, 2, UserState.READY, "-last_activity")).containsExactly("u1");
        assertThat(names(1, 2, UserState.ACTIVE, "id")).containsExactly("u4", "u2");
        assertThat(names(0, 10, UserState.INACTIVE, "last_activity")).containsExactly("u0", "u3");
        assertThat(names(1, 10, UserState.INACTIVE, "-id")).containsExactly("u3");
        assertThat(names(6, 10, UserState.ANY, "last_activity")).isEmpty();
        assertThat(store.users(0, 10, "u", UserState.ANY, UserSort.parse("-name").orElseThrow()))
                .extracting(UserRecord::name).containsExactly("u5", "u4", "u3", "u2", "u1", "u0");
    }

    @Test
    void usersFromBeforeTheIdColumnAreNumberedByWhenTheyWereCreated() throws Exception {
        // Only embedded stores existed before V2; a PostgreSQL store starts with the column.
        Assumptions.assumeTrue(db.embedded());
        String url = db.url();
        Flyway.configure().dataSource(url, "hub", "").locations(StoreMigrations.locations(StoreDialect.H2)).target("1").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "hub", "");
             PreparedStatement ps = c.prepareStatement("INSERT INTO users (name, created) VALUES (?, ?)")) {
            for (Object[] row : new Object[][] {{"zed", 0}, {"amy", 60}, {"bob", 0}, {"cat", 30}}) {
                ps.setString(1, (String) row[0]);
                ps.setObject(2, NOW.plusSeconds((Integer) row[1]).atOffset(ZoneOffset.UTC));
                ps.executeUpdate();
            }
        }
        store = db.open();
        assertThat(names(0, 10, UserState.ANY, "id")).containsExactly("bob", "zed", "cat", "amy");
        store.ensureUser("new", false, NOW);
        assertThat(names(0, 10, UserState.ANY, "-id")).startsWith("new", "amy");
    }
}
