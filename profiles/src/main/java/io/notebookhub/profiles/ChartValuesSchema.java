package io.notebookhub.profiles;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The profile part of the chart's {@code values.schema.json}, generated from {@code profiles.schema.json}, so that
 * {@code helm install} refuses exactly the profiles the hub refuses. The profile schema's definitions are copied
 * under {@code definitions.profileFile.definitions} (their {@code $ref}s rewritten to point there) and
 * {@code profiles.items} refers to its {@code profile}; the rest of the chart schema is kept as it is.
 */
public final class ChartValuesSchema {
    static final String HOME = "profileFile";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ChartValuesSchema() {}

    /** The profile schema shipped in this module. */
    public static JsonNode profileSchema() {
        try (InputStream in = ChartValuesSchema.class.getResourceAsStream("defaults/profiles.schema.json")) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("profiles.schema.json is missing from the profiles jar", e);
        }
    }

    /** The chart schema with its profile part replaced by the one generated from {@code profileSchema}. */
    public static ObjectNode generate(JsonNode chartSchema, JsonNode profileSchema) {
        ObjectNode chart = chartSchema.deepCopy();
        ObjectNode definitions = (ObjectNode) chart.path("definitions");
        definitions.remove("profile");
        ObjectNode home = JSON.createObjectNode();
        home.put("description", "Generated from profiles/profiles.schema.json (notebook-hub profiles chart-schema); "
                + "do not edit by hand.");
        home.set("definitions", rewriteRefs(profileSchema.path("definitions").deepCopy()));
        definitions.set(HOME, home);
        ObjectNode profiles = (ObjectNode) chart.path("properties").path("profiles");
        profiles.set("items", JSON.createObjectNode().put("$ref", "#/definitions/" + HOME + "/definitions/profile"));
        return chart;
    }

    /** The text written to {@code values.schema.json}: two-space indent and a final newline, as committed. */
    public static String render(JsonNode schema) {
        try {
            DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                    .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
            printer.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
            printer.indentObjectsWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
            return JSON.writer(printer).writeValueAsString(schema) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode rewriteRefs(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if ("$ref".equals(field.getKey()) && field.getValue().asText().startsWith("#/definitions/")) {
                    field.setValue(new TextNode(field.getValue().asText()
                            .replace("#/definitions/", "#/definitions/" + HOME + "/definitions/")));
                } else {
                    rewriteRefs(field.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(ChartValuesSchema::rewriteRefs);
        }
        return node;
    }
}
