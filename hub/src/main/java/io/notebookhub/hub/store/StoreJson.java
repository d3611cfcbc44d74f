package io.notebookhub.hub.store;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The store's JSON columns (group properties, a server's user options and spawner state), read and written as plain
 * maps, lists and scalars with Vert.x's JSON, which the hub runs on (see {@code HubJsonFactory}) without Jackson's
 * object mapper: setting that up (its type tables, its date formats) and building its readers was some 75 ms of a
 * restart's CPU, spent in the adoption of the running servers, whose rows are the first read.
 */
final class StoreJson {
    private StoreJson() {
    }

    static String write(Map<String, ?> map) {
        try {
            return new JsonObject(map == null ? Map.of() : new LinkedHashMap<>(map)).encode();
        } catch (EncodeException e) {
            throw new IllegalArgumentException("not storable as JSON: " + e.getMessage(), e);
        }
    }

    /** An object column; {@code what} names it when the stored text is not a JSON object. */
    static Map<String, Object> read(String json, String what) {
        try {
            return new JsonObject(json == null ? "{}" : json).getMap();
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalStateException("corrupt " + what + " in store: " + json, e);
        }
    }

    /** An object column of text values; other scalars read back as their text, as they did through Jackson. */
    static Map<String, String> readText(String json, String what) {
        Map<String, String> text = new LinkedHashMap<>();
        read(json, what).forEach((k, v) -> text.put(k, v == null ? null : String.valueOf(v)));
        return text;
    }
}
