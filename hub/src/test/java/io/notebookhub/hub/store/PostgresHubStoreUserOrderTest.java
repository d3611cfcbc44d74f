package io.notebookhub.hub.store;

/** Every test of {@link H2HubStoreUserOrderTest} again, on a real PostgreSQL server. */
class PostgresHubStoreUserOrderTest extends H2HubStoreUserOrderTest {
    @Override
    StoreDatabase database() {
        return StoreDatabase.postgres();
    }
}
