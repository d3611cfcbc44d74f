package io.notebookhub.hub.store;

/** Every test of {@link H2HubStoreCredentialsTest} again, on a real PostgreSQL server. */
class PostgresHubStoreCredentialsTest extends H2HubStoreCredentialsTest {
    @Override
    StoreDatabase database() {
        return StoreDatabase.postgres();
    }
}
