package io.notebookhub.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ChartValuesSchemaTest {
    private static final Path CHART_SCHEMA = Path.of("..", "chart", "values.schema.json");

    @Test
    void chartSchemaHoldsTheProfileSchemaAsGenerated() throws IOException {
        String committed = Files.readString(CHART_SCHEMA);
        String generated = ChartValuesSchema.render(ChartValuesSchema.generate(ChartValuesSchema.parse(committed),
                ChartValuesSchema.profileSchema()));

        assertThat(committed).as("chart/values.schema.json is out of date with profiles/profiles.schema.json; "
                + "regenerate it: java -jar hub/target/notebook-hub.jar profiles chart-schema chart/values.schema.json")
                .isEqualTo(generated);
    }

    @Test
    void everyProfileKeyTheHubKnowsIsTheChartsAndPointsIntoTheCopiedDefinitions() {
        JsonNode profile = ChartValuesSchema.profileSchema().path("definitions").path("profile");
        JsonNode chart = ChartValuesSchema.generate(ChartValuesSchema.parse("""
                {"definitions": {"profile": {"type": "object"}}, "properties": {"profiles": {"type": "array"}}}"""),
                ChartValuesSchema.profileSchema());

        JsonNode copied = chart.path("definitions").path(ChartValuesSchema.HOME).path("definitions").path("profile");
        assertThat(copied.path("properties").size()).isEqualTo(profile.path("properties").size()).isPositive();
        assertThat(chart.path("definitions").has("profile")).isFalse();
        assertThat(chart.path("properties").path("profiles").path("items").path("$ref").asText())
                .isEqualTo("#/definitions/profileFile/definitions/profile");
        assertThat(ChartValuesSchema.render(chart)).doesNotContain("\"#/definitions/dnsLabel\"")
                .contains("\"#/definitions/profileFile/definitions/dnsLabel\"");
    }
}
