package io.notebookhub.system;

import static io.notebookhub.system.RealCluster.NAMESPACE;
import static io.notebookhub.system.RealCluster.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.notebookhub.system.chart.Helm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The chart's objects and RBAC as a real API server (schema, admission, authorization) takes them. */
@RealClusterTest
class ChartOnRealClusterIT {
    private static RealCluster k8s;

    @BeforeAll
    static void useTheCluster(RealCluster cluster) {
        k8s = cluster;
    }

    @Test
    void theChartsObjectsAreAcceptedByARealApiServer() {
        assertThat(k8s.admin.apps().deployments().inNamespace(NAMESPACE).list().getItems())
                .extracting(d -> d.getMetadata().getName())
                .contains(RELEASE + "-hub", RELEASE + "-proxy");
        assertThat(k8s.admin.rbac().roles().inNamespace(NAMESPACE).withName(RELEASE + "-hub-spawner").get())
                .isNotNull();
        assertThat(k8s.admin.rbac().roleBindings().inNamespace(NAMESPACE).withName(RELEASE + "-hub-spawner").get())
                .isNotNull();
        assertThat(k8s.admin.network().v1().networkPolicies().inNamespace(NAMESPACE).list().getItems()).isNotEmpty();
    }

    @Test
    void theHubsServiceAccountMayManagePodsButNotReadSecrets() throws Exception {
        try (KubernetesClient asHub = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(k8s.hubKubeconfig))).build()) {
            assertThat(asHub.pods().inNamespace(NAMESPACE).list().getItems()).isNotNull();
            KubernetesClientException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    KubernetesClientException.class, () -> asHub.secrets().inNamespace(NAMESPACE).list());
            assertThat(refused.getCode()).isEqualTo(403);
        }
    }

    @Test
    void everyValuesScenarioOfTheChartTestsInstallsIntoTheRealApiServer() throws Exception {
        List<String> scenarios = List.of("gpu-profiles.yaml", "oidc-existing-secret.yaml", "ingress-tls.yaml",
                "nodeport.yaml", "netpol-off.yaml", "proxy-https.yaml", "postgres.yaml");
        Path values = HubProcess.repo().resolve("src/test/resources/chart");
        for (int i = 0; i < scenarios.size(); i++) {
            String namespace = "scenario-" + i;
            Helm.Result install = k8s.helm("install", "s" + i, Helm.chart().toString(), "--namespace", namespace,
                    "--create-namespace", "--values", values.resolve(scenarios.get(i)).toString());
            assertThat(install.succeeded()).as(scenarios.get(i) + ": " + install.describe()).isTrue();
            assertThat(k8s.admin.apps().deployments().inNamespace(namespace).list().getItems())
                    .as(scenarios.get(i)).hasSize(2);
        }
    }
}
