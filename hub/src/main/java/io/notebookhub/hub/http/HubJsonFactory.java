package io.notebookhub.hub.http;

import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * Vert.x's JSON as the hub uses it: objects, arrays and scalars, read and written by Jackson's streaming parser and
 * generator. With jackson-databind on the class path (the configuration and Kubernetes clients need it) Vert.x would
 * otherwise route all JSON through an object mapper of its own, whose set-up (Jackson's type tables and date
 * formats, built on the first answer after every restart) the hub never uses: it encodes {@code JsonObject}s and
 * maps, never plain Java objects. Registered in {@code META-INF/services}; Vert.x takes the factory of lowest order.
 */
public final class HubJsonFactory implements JsonFactory {
    @Override
    public JsonCodec codec() {
        return new JacksonCodec();
    }

    @Override
    public int order() {
        return 0;
    }
}
