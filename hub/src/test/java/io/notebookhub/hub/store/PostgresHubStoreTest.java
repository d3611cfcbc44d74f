package io.notebookhub.hub.store;

/** Every test of {@link H2HubStoreTest} again, on a real PostgreSQL server. */
class PostgresHubStoreTest extends H2HubStoreTest {
    @Override
    StoreDatabase database() {
        return StoreDatabase.postgres();
    }
}
