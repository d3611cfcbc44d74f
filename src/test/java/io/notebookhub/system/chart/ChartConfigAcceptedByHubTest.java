package io.notebookhub.system.chart;

import static io.notebookhub.system.chart.ChartRendering.str;
import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.config.HubConfig;
import io.notebookhub.profiles.ProfileDirectory;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;
import io.notebookhub.spawner.kubernetes.model.HubLabels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart and the hub must agree: the config.yaml every scenario renders passes the hub's own start-up
 * validation, its Kubernetes block builds the spawner's configuration, and the profiles ConfigMap is a valid
 * profile folder. A renamed key on either side fails here instead of in a cluster.
 */
class ChartConfigAcceptedByHubTest {
    @TempDir
    Path temp;

    static java.util.List<String> scenarios() {
        return ChartRendering.SCENARIOS;
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void theRenderedConfigStartsTheHubConfiguration(String scenario) throws Exception {
        ChartRendering rendering = ChartRendering.of(scenario);
        Path config = temp.resolve("config.yaml");
        Files.writeString(config, str(rendering.get("ConfigMap", "nbhub-hub-config"), "data", "config.yaml"));

        HubConfig hub = HubConfig.load(config, Map.of("NBHUB_PROXY_AUTH_TOKEN", "t", "NBHUB_HUB_COOKIE_SECRET",
                "ab".repeat(32), "NBHUB_AUTH_CLIENT_SECRET", "s"));

        assertThat(hub.spawner().type()).isEqualTo("kubernetes");
        KubernetesSpawnerConfig spawner = hub.spawner().kubernetes();
        assertThat(spawner.namespace()).isEqualTo(ChartRendering.NAMESPACE);
        rendering.find("NetworkPolicy", "nbhub-singleuser").ifPresent(policy ->
                assertThat(ChartRendering.map(policy, "spec", "podSelector", "matchLabels"))
                        .as("the user-pod policy selects the pods the spawner creates")
                        .isEqualTo(HubLabels.podSelector(spawner)));

        Path profiles = Files.createDirectories(temp.resolve("profiles"));
        Files.writeString(profiles.resolve("profiles.yaml"),
                str(rendering.get("ConfigMap", "nbhub-profiles"), "data", "profiles.yaml"));
        assertThat(ProfileDirectory.check(profiles)).isEmpty();
    }
}
