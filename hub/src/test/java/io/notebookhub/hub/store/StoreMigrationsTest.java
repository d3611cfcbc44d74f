package io.notebookhub.hub.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store opens without Flyway only when its history holds exactly this version's migrations. */
class StoreMigrationsTest {
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.*\\.sql");

    @TempDir
    Path dir;

    @Test
    void theDeclaredSchemaVersionsAreTheMigrationsInTheJar() throws Exception {
        Set<String> found = new TreeSet<>();
        for (String location : Set.of("db/migration", "db/vendor/h2", "db/vendor/postgresql")) {
            try (Stream<Path> files = Files.list(resource(location))) {
                files.map(f -> VERSIONED.matcher(f.getFileName().toString())).filter(Matcher::matches)
                        .forEach(m -> found.add(m.group(1)));
            }
        }
        assertThat(new TreeSet<>(StoreMigrations.SCHEMA_VERSIONS)).isEqualTo(found);
    }

    @Test
    void aStoreMigratedByFlywayIsRecognisedAsCurrent() {
        JdbcConnectionPool pool = pool("current");
        try {
            StoreMigrations.migrate(pool, StoreDialect.H2, "test", false);
            assertThat(StoreMigrations.appliedVersions(pool)).isEqualTo(StoreMigrations.SCHEMA_VERSIONS);
        } finally {
            pool.dispose();
        }
    }

    @Test
    void aFailedMigrationInTheHistoryIsNotCurrent() throws Exception {
        JdbcConnectionPool pool = pool("failed");
        try {
            StoreMigrations.migrate(pool, StoreDialect.H2, "test", false);
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                st.execute("UPDATE \"flyway_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '5'");
            }
            assertThat(StoreMigrations.appliedVersions(pool)).isNotEqualTo(StoreMigrations.SCHEMA_VERSIONS)
                    .contains("failed 5");
        } finally {
            pool.dispose();
        }
    }

    @Test
    void aDatabaseWithoutHistoryHasNoAppliedVersionsAndLeavesNoTraceFile() {
        JdbcConnectionPool pool = pool("empty");
        try {
            assertThat(StoreMigrations.appliedVersions(pool)).isEmpty();
        } finally {
            pool.dispose();
        }
        assertThat(dir.resolve("empty.trace.db")).doesNotExist();
    }

    private JdbcConnectionPool pool(String name) {
        return JdbcConnectionPool.create("jdbc:h2:" + dir.resolve(name).toAbsolutePath(), "hub", "");
    }

    private static Path resource(String location) throws URISyntaxException {
        return Path.of(StoreMigrationsTest.class.getClassLoader().getResource(location).toURI());
    }
}
