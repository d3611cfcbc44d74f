package io.notebookhub.hub.store;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The mapper of the store's JSON columns (group properties, spawner state), made when a first such column is read or
 * written rather than when the tables are: setting Jackson up (its date formats, its annotation tables) took some
 * 45 ms of the store's opening after a restart, which reads no JSON column before the hub answers.
 */
final class StoreJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private StoreJson() {
    }
}
