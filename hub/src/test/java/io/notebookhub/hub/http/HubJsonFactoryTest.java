package io.notebookhub.hub.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubJsonFactoryTest {
    @Test
    void vertxEncodesTheHubsJsonWithTheStreamingCodecNotAnObjectMapper() {
        assertThat(Json.CODEC).isExactlyInstanceOf(JacksonCodec.class);
    }

    @Test
    void whatTheHubPutsInItsAnswersEncodesAndReadsBack() {
        JsonObject answer = new JsonObject().put("name", "alice").put("admin", false).put("count", 3L)
                .put("started", Instant.parse("2026-01-01T10:00:00Z")).putNull("pending")
                .put("servers", new JsonObject(Map.of("state", Map.of("ports", List.of(8888)))))
                .put("roles", new JsonArray().add("user"));

        JsonObject read = (JsonObject) Json.decodeValue(answer.encode());

        assertThat(read.getString("started")).isEqualTo("2026-01-01T10:00:00Z");
        assertThat(read.getJsonObject("servers").getJsonObject("state").getJsonArray("ports").getInteger(0))
                .isEqualTo(8888);
        assertThat(read.getLong("count")).isEqualTo(3L);
        assertThat(read.containsKey("pending")).isTrue();
        assertThat(read.getJsonArray("roles")).containsExactly("user");
    }
}
