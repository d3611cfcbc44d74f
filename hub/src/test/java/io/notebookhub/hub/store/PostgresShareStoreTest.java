package io.notebookhub.hub.store;

/** Every test of {@link ShareStoreTest} again, on a real PostgreSQL server (the V5 migration is portable SQL). */
class PostgresShareStoreTest extends ShareStoreTest {
    @Override
    StoreDatabase database() {
        return StoreDatabase.postgres();
    }
}
