package io.notebookhub.system.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated secrets are kept on upgrade: helm's {@code lookup} reads the Secret a first install created.
 * {@code helm template --dry-run=server} performs the same lookups as {@code helm upgrade}, here against
 * fabric8's mock API server (CRUD mode) standing in for the cluster.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ChartUpgradeTest {

    KubernetesMockServer server;
    KubernetesClient client;

    private Path kubeconfig;

    @BeforeEach
    void pointHelmAtTheMockCluster(@TempDir Path dir) throws IOException {
        kubeconfig = Helm.kubeconfigForMockCluster(server, client, dir);
    }

    private Secret renderSecret(String... sets) {
        List<String> args = new ArrayList<>(List.of("template", ChartRendering.RELEASE, Helm.chart().toString(),
                "--namespace", ChartRendering.NAMESPACE, "--kubeconfig", kubeconfig.toString(),
                "--dry-run=server", "--show-only", "templates/secrets/secret.yaml"));
        for (String set : sets) {
            args.addAll(List.of("--set", set));
        }
        Helm.Result result = Helm.run(args);
        assertThat(result.succeeded()).as(result.describe()).isTrue();
        return Serialization.unmarshal(result.stdout(), Secret.class);
    }

    private void install(Secret rendered) {
        client.secrets().inNamespace(ChartRendering.NAMESPACE).resource(rendered).create();
    }

    @Test
    void reusesTheGeneratedTokenAndCookieSecretOnUpgrade() {
        Secret firstInstall = renderSecret();
        install(firstInstall);

        Secret upgrade = renderSecret("hub.adminUsers={alice}");

        assertThat(upgrade.getData()).isEqualTo(firstInstall.getData());
        assertThat(upgrade.getData()).containsOnlyKeys("proxy-auth-token", "hub-cookie-secret");
    }

    @Test
    void generatesNewSecretsWhenThereIsNothingToKeep() {
        Secret first = renderSecret();
        Secret second = renderSecret();

        assertThat(second.getData().get("proxy-auth-token")).isNotEqualTo(first.getData().get("proxy-auth-token"));
        assertThat(second.getData().get("hub-cookie-secret")).isNotEqualTo(first.getData().get("hub-cookie-secret"));
    }

    @Test
    void letsAnExplicitTokenReplaceTheKeptOneAndKeepsTheRest() {
        Secret firstInstall = renderSecret();
        install(firstInstall);

        Map<String, String> upgraded = renderSecret("proxy.secretToken=rotated-token").getData();

        assertThat(upgraded.get("proxy-auth-token")).isEqualTo("cm90YXRlZC10b2tlbg==");
        assertThat(upgraded.get("hub-cookie-secret")).isEqualTo(firstInstall.getData().get("hub-cookie-secret"));
    }
}
