package io.notebookhub.system.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json stops typos and wrong types before anything reaches the cluster, and says where. */
class ChartSchemaTest {

    private static JsonSchema schema() throws IOException {
        try (InputStream in = Files.newInputStream(Helm.chart().resolve("values.schema.json"))) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        }
    }

    private static Set<ValidationMessage> validate(Path valuesFile) throws IOException {
        JsonNode values = ChartRendering.MAPPER.readTree(valuesFile.toFile());
        return schema().validate(values);
    }

    static List<String> scenarios() {
        return ChartRendering.SCENARIOS.stream().filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void acceptsTheChartsOwnDefaults() throws IOException {
        assertThat(validate(Helm.chart().resolve("values.yaml"))).isEmpty();
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void acceptsEveryTestScenario(String scenario) throws IOException {
        assertThat(validate(ChartRendering.valuesFile(scenario))).isEmpty();
    }

    @Test
    void helmRejectsABadValuesFileNamingEachMistake() {
        Helm.Result result = Helm.run("template", "nbhub", Helm.chart().toString(),
                "--values", ChartRendering.valuesFile("bad-values.yaml").toString());

        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr())
                .contains("values don't meet the specifications of the schema")
                .contains("hub: Additional property adminUser is not allowed")
                .contains("cull.timeout: Invalid type. Expected: integer, given: string")
                .contains("proxy.service.type: proxy.service.type must be one of the following")
                .contains("auth.clientSecret: Invalid type. Expected: object, given: string");
        assertThat(result.stdout()).doesNotContain("kind: Deployment");
    }

    @Test
    void helmLintFailsOnTheBadValuesFileToo() {
        Helm.Result result = Helm.run("lint", "--strict", Helm.chart().toString(),
                "--values", ChartRendering.valuesFile("bad-values.yaml").toString());

        assertThat(result.succeeded()).isFalse();
        assertThat(result.stdout() + result.stderr()).contains("Additional property adminUser is not allowed");
    }

    @Test
    void theSchemaItselfPointsAtTheSameMistakes() throws IOException {
        Set<ValidationMessage> errors = validate(ChartRendering.valuesFile("bad-values.yaml"));

        assertThat(errors).extracting(ValidationMessage::getMessage)
                .anySatisfy(m -> assertThat(m).contains("adminUser"))
                .anySatisfy(m -> assertThat(m).contains("$.cull.timeout").contains("integer"))
                .anySatisfy(m -> assertThat(m).contains("$.proxy.service.type"))
                .anySatisfy(m -> assertThat(m).contains("$.auth.clientSecret").contains("object"));
    }

    @Test
    void rejectsAMisspeltProfileKeyAndABadSlug(@TempDir Path dir) throws IOException {
        Path values = dir.resolve("profiles.yaml");
        Files.writeString(values, """
                profiles:
                  - slug: Big_One
                    display_nmae: Big
                """);

        Helm.Result result = Helm.run("template", "nbhub", Helm.chart().toString(), "--values", values.toString());

        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr())
                .contains("profiles.0: Additional property display_nmae is not allowed")
                .contains("profiles.0.slug: Does not match pattern");
    }

    @Test
    void requiresTheTlsSecretWhenTheProxyTerminatesTls() {
        Helm.Result result = Helm.run("template", "nbhub", Helm.chart().toString(),
                "--set", "proxy.https.enabled=true");

        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("proxy.https.secret.name");
    }
}
