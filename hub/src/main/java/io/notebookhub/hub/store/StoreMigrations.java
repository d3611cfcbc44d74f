package io.notebookhub.hub.store;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
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
 */
final class StoreMigrations {
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
}
