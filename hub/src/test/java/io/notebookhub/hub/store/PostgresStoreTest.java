package io.notebookhub.hub.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Reaching PostgreSQL: the hub's URL form, one hub per database, and clear refusals. */
class PostgresStoreTest {
    @Test
    void theHubsUrlFormBecomesAJdbcUrlWithTheUserApart() {
        assertThat(PostgresStore.jdbcUrl("postgresql://hub@db.example.org:5433/notebookhub?sslmode=verify-full"))
                .isEqualTo("jdbc:postgresql://db.example.org:5433/notebookhub?sslmode=verify-full");
        assertThat(PostgresStore.user("postgresql://hub@db.example.org:5433/notebookhub")).isEqualTo("hub");
        assertThat(PostgresStore.jdbcUrl("postgres://db/hub")).isEqualTo("jdbc:postgresql://db/hub");
        assertThat(PostgresStore.user("postgres://db/hub")).isNull();
        assertThat(PostgresStore.jdbcUrl("jdbc:postgresql://db/hub?user=hub")).isEqualTo("jdbc:postgresql://db/hub?user=hub");
    }

    @Test
    void aSecondHubOnTheSameDatabaseIsRefusedAndTheFirstKeepsWorking() {
        PostgresCluster cluster = PostgresCluster.shared();
        String url = cluster.newDatabaseUrl();
        try (H2HubStore first = H2HubStore.openPostgres(url, cluster.password())) {
            assertThatThrownBy(() -> H2HubStore.openPostgres(url, cluster.password()))
                    .isInstanceOf(StoreRefusedException.class).hasMessageContaining("is in use by another hub");
            first.ensureUser("alice", false, Instant.now());
            assertThat(first.user("alice")).isPresent();
        }
        try (H2HubStore next = H2HubStore.openPostgres(url, cluster.password())) {
            assertThat(next.user("alice")).as("the lock ends with the first hub").isPresent();
        }
    }

    @Test
    void aWrongPasswordIsRefusedInOneLineNamingTheDatabase() {
        PostgresCluster cluster = PostgresCluster.shared();
        String url = cluster.newDatabaseUrl();
        assertThatThrownBy(() -> H2HubStore.openPostgres(url, "not-the-password"))
                .isInstanceOf(StoreRefusedException.class)
                .hasMessageStartingWith("cannot connect to the PostgreSQL store postgresql://127.0.0.1:")
                .hasMessageContaining("password authentication failed").hasMessageNotContaining("\n");
    }
}
