package io.notebookhub.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Where each key of a YAML file stands ({@code a.b.c} to line:column), so an error can point into the file. */
final class YamlLocations {
    private YamlLocations() {
    }

    static Map<String, String> of(String yaml) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                walk(p, "", out);
            }
        }
        return out;
    }

    private static void walk(JsonParser p, String prefix, Map<String, String> out) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String path = prefix.isEmpty() ? p.currentName() : prefix + "." + p.currentName();
            JsonLocation at = p.currentTokenLocation();
            out.put(path, at.getLineNr() + ":" + at.getColumnNr());
            JsonToken value = p.nextToken();
            if (value == JsonToken.START_OBJECT) {
                walk(p, path, out);
            } else if (value == JsonToken.START_ARRAY) {
                p.skipChildren();
            }
        }
    }
}
