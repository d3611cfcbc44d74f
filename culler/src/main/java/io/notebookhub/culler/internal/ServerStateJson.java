package io.notebookhub.culler.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.notebookhub.culler.ServerState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Parses the JSON of notebook's {@code api/kernels} and {@code api/terminals} (6.x and Jupyter Server 2.x agree). */
public final class ServerStateJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerStateJson() {}

    public static List<ServerState.Kernel> kernels(String json) {
        List<ServerState.Kernel> out = new ArrayList<>();
        for (JsonNode k : array(json, "api/kernels")) {
            out.add(new ServerState.Kernel(text(k, "id"), text(k, "name"), text(k, "execution_state"),
                    Timestamps.parse(text(k, "last_activity")), k.path("connections").asInt(0)));
        }
        return out;
    }

    public static List<ServerState.Terminal> terminals(String json) {
        List<ServerState.Terminal> out = new ArrayList<>();
        for (JsonNode t : array(json, "api/terminals")) {
            out.add(new ServerState.Terminal(text(t, "name"), Timestamps.parse(text(t, "last_activity"))));
        }
        return out;
    }

    private static JsonNode array(String json, String what) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(what + " did not answer JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException(what + " did not answer a JSON list");
        }
        return node;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
