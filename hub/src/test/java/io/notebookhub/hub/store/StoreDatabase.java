package io.notebookhub.hub.store;

import java.util.UUID;

/**
 * The database a store test runs on: every store test runs once on the embedded store (H2) and once on a real
 * PostgreSQL server ({@link PostgresCluster}). {@link #open()} may be called more than once: each store opened sees
 * the same database.
 */
interface StoreDatabase {
    H2HubStore open();

    boolean embedded();

    /** The H2 JDBC URL, or the PostgreSQL URL in the hub's form. */
    String url();

    static StoreDatabase h2() {
        String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        return new StoreDatabase() {
            @Override
            public H2HubStore open() {
                return H2HubStore.open(url);
            }

            @Override
            public boolean embedded() {
                return true;
            }

            @Override
            public String url() {
                return url;
            }
        };
    }

    static StoreDatabase postgres() {
        PostgresCluster cluster = PostgresCluster.shared();
        String url = cluster.newDatabaseUrl();
        return new StoreDatabase() {
            @Override
            public H2HubStore open() {
                // Tests open a second store on the same database to check what it holds; the one-hub lock would
                // refuse that, so they open without it (the lock has its own test).
                return H2HubStore.openPostgres(url, cluster.password(), false);
            }

            @Override
            public boolean embedded() {
                return false;
            }

            @Override
            public String url() {
                return url;
            }
        };
    }
}
