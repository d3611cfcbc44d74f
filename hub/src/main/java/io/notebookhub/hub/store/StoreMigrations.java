package io.notebookhub.hub.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;

/**
 * The store's schema, kept by Flyway: portable migrations in {@code db/migration}, vendor ones (same version numbers
 * for each database) in {@code db/vendor/h2} and {@code db/vendor/postgresql}. A schema ahead of this code is
 * refused rather than used: Flyway would otherwise ignore migrations it does not know and the hub would run on tables
 * it does not understand.
 *
 * <p>A store whose history holds exactly this version's migrations, all applied, is opened without Flyway: Flyway's
 * start (its plugins, and the Jackson they find on the class path) loads over a thousand classes and is a good part
 * of a hub restart. Anything else (a new, older, newer or failed schema) goes through Flyway.
 */
final class StoreMigrations {
    /** The versions in {@code db/migration} and {@code db/vendor/*}; {@code StoreMigrationsTest} keeps it in step. */
    static final Set<String> SCHEMA_VERSIONS = Set.of("1", "2", "3", "5");

    static String[] locations(StoreDialect dialect) {
        return new String[] {"classpath:db/migration", "classpath:db/vendor/" + dialect.name().toLowerCase(Locale.ROOT)};
    }

    private StoreMigrations() {
    }

    /**
     * Brings the schema to this version.
     *
     * @param where names the store in messages
     * @param mustHaveSchema the store existed before (a file with content): a missing schema means it is damaged
     */
    static void migrate(DataSource dataSource, StoreDialect dialect, String where, boolean mustHaveSchema) {
        if (appliedVersions(dataSource).equals(SCHEMA_VERSIONS)) {
            return;
        }
        Flyway flyway = Flyway.configure().dataSource(dataSource).locations(locations(dialect)).load();
        try {
            MigrationInfo[] applied = flyway.info().applied();
            if (mustHaveSchema && applied.length == 0) {
                throw new StoreRefusedException("the store " + where + " is damaged: it holds no hub schema although "
                        + "the file is not empty; the hub will not start empty over it. Keep the file and "
                        + EmbeddedStoreFile.RESTORE_HINT);
            }
            MigrationVersion known = Arrays.stream(flyway.info().all())
                    .filter(m -> m.getState() != MigrationState.FUTURE_SUCCESS
                            && m.getState() != MigrationState.FUTURE_FAILED)
                    .map(MigrationInfo::getVersion).max(Comparator.naturalOrder()).orElse(MigrationVersion.EMPTY);
            for (MigrationInfo m : applied) {
                if (m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED) {
                    throw new StoreRefusedException("the store " + where + " has schema version " + m.getVersion()
                            + " (" + m.getDescription() + "), newer than this Notebook Hub knows (" + known
                            + "): it was written by a newer version; run that version, or "
                            + EmbeddedStoreFile.RESTORE_HINT + " taken with this one");
                }
            }
            flyway.migrate();
        } catch (FlywayException e) {
            throw new StoreRefusedException("the store " + where + " cannot be brought to this version's schema: "
                    + EmbeddedStoreFile.firstLine(e.getMessage()), e);
        }
    }

    /**
     * The versions Flyway's history records as applied; empty when there is no history, and a set that cannot equal
     * {@link #SCHEMA_VERSIONS} when a migration failed, so that Flyway reports it.
     */
    static Set<String> appliedVersions(DataSource dataSource) {
        Set<String> versions = new TreeSet<>();
        try (Connection c = dataSource.getConnection()) {
            // Asked first, not found by a failing query: H2 records every failed statement in a trace file.
            try (ResultSet table = c.getMetaData().getTables(null, null, "flyway_schema_history", null)) {
                if (!table.next()) {
                    return Set.of();
                }
            }
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select \"version\", \"success\" from \"flyway_schema_history\""
                            + " where \"version\" is not null")) {
                while (rs.next()) {
                    versions.add(rs.getBoolean(2) ? rs.getString(1) : "failed " + rs.getString(1));
                }
            }
        } catch (SQLException unreadable) {
            return Set.of();
        }
        return versions;
    }
}
