package io.notebookhub.system.chart;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The chart's profile schema is generated from the hub's, so helm refuses what the hub would refuse. */
class ChartProfileSchemaTest {

    @Test
    void helmRefusesAProfileKeyTheHubWouldRefuse() {
        Helm.Result result = Helm.run("template", "nbhub", Helm.chart().toString(),
                "--values", ChartRendering.valuesFile("profile-with-unknown-key.yaml").toString());

        assertThat(result.succeeded()).as(result.describe()).isFalse();
        assertThat(result.stderr()).contains("profiles.0.node_affinity.required.0")
                .contains("Additional property match_expressions is not allowed");
    }

    @Test
    void helmAcceptsTheProfilesTheHubShipsWith() {
        Helm.Result result = Helm.run("template", "nbhub", Helm.chart().toString(),
                "--values", ChartRendering.valuesFile("gpu-profiles.yaml").toString());

        assertThat(result.succeeded()).as(result.describe()).isTrue();
    }
}
