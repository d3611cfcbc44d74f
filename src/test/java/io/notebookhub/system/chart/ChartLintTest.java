package io.notebookhub.system.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChartLintTest {

    static List<String> scenarios() {
        return ChartRendering.SCENARIOS;
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void passesStrictLint(String scenario) {
        List<String> args = new ArrayList<>(List.of("lint", "--strict", Helm.chart().toString(),
                "--namespace", ChartRendering.NAMESPACE));
        if (!scenario.isEmpty()) {
            args.addAll(List.of("--values", ChartRendering.valuesFile(scenario).toString()));
        }

        Helm.Result result = Helm.run(args);

        assertThat(result.succeeded()).as(result.describe()).isTrue();
        assertThat(result.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void rendersTheHubTheProxyAndTheirWiring(String scenario) {
        ChartRendering rendering = ChartRendering.of(scenario);

        // The packing scheduler, when a scenario turns it on, is a third Deployment with its own ConfigMap.
        List<String> scheduler = rendering.find("Deployment", "nbhub-user-scheduler").isPresent()
                ? List.of("nbhub-user-scheduler") : List.of();
        assertThat(rendering.ofKind("Deployment")).extracting(d -> ChartRendering.str(d, "metadata", "name"))
                .containsExactlyInAnyOrderElementsOf(concat(List.of("nbhub-hub", "nbhub-proxy"), scheduler));
        assertThat(rendering.ofKind("Service")).extracting(s -> ChartRendering.str(s, "metadata", "name"))
                .containsExactlyInAnyOrder("nbhub-hub", "nbhub-proxy-public", "nbhub-proxy-api");
        assertThat(rendering.ofKind("ConfigMap")).extracting(c -> ChartRendering.str(c, "metadata", "name"))
                .containsExactlyInAnyOrderElementsOf(concat(List.of("nbhub-hub-config", "nbhub-profiles"), scheduler));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
