package io.notebookhub.system.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code prePuller.hook.pullOnlyOnChanges}, an upgrade pulls before it proceeds only when the images changed:
 * the chart compares the checksum on the installed profiles ConfigMap ({@code lookup}, which
 * {@code helm template --dry-run=server} performs as {@code helm upgrade} does, here against fabric8's mock API
 * server) with the images of the new values.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ChartPrePullerUpgradeTest {
    private static final List<String> VALUES = List.of("prePuller.hook.enabled=true", "prePuller.continuous.enabled=true");

    KubernetesMockServer server;
    KubernetesClient client;

    private Path kubeconfig;

    @BeforeEach
    void pointHelmAtTheMockCluster(@TempDir Path dir) throws IOException {
        kubeconfig = Helm.kubeconfigForMockCluster(server, client, dir);
    }

    private ChartRendering render(String... moreSets) {
        List<String> args = new ArrayList<>(List.of("template", ChartRendering.RELEASE, Helm.chart().toString(),
                "--namespace", ChartRendering.NAMESPACE, "--kubeconfig", kubeconfig.toString(), "--dry-run=server"));
        for (String set : VALUES) {
            args.addAll(List.of("--set", set));
        }
        for (String set : moreSets) {
            args.addAll(List.of("--set", set));
        }
        Helm.Result result = Helm.run(args);
        assertThat(result.succeeded()).as(result.describe()).isTrue();
        return ChartRendering.fromOutput(result.stdout());
    }

    private void install(ChartRendering rendering) {
        ConfigMap profiles = ChartRendering.JSON.convertValue(rendering.get("ConfigMap", "nbhub-profiles"),
                ConfigMap.class);
        client.configMaps().inNamespace(ChartRendering.NAMESPACE).resource(profiles).createOr(c -> c.update());
    }

    private static List<String> hookObjects(ChartRendering rendering) {
        return rendering.kindsAndNames().stream().filter(n -> n.contains("hook-image")).toList();
    }

    @Test
    void aFirstInstallPullsBeforeItProceeds() {
        assertThat(hookObjects(render())).contains("DaemonSet/nbhub-hook-image-puller-small",
                "DaemonSet/nbhub-hook-image-puller-gpu", "Job/nbhub-hook-image-awaiter");
    }

    @Test
    void anUpgradeThatKeepsTheImagesSkipsTheHookAndOneThatChangesThemRunsIt() {
        install(render());

        assertThat(hookObjects(render("hub.adminUsers={alice}"))).isEmpty();
        assertThat(hookObjects(render("singleuser.image.tag=2025-01-01")))
                .contains("DaemonSet/nbhub-hook-image-puller-small", "Job/nbhub-hook-image-awaiter");
    }

    @Test
    void withoutPullOnlyOnChangesEveryUpgradePulls() {
        install(render());

        assertThat(hookObjects(render("prePuller.hook.pullOnlyOnChanges=false")))
                .contains("DaemonSet/nbhub-hook-image-puller-small");
    }
}
