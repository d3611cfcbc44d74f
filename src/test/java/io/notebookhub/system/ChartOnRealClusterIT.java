package io.notebookhub.system;

import static io.notebookhub.system.RealCluster.NAMESPACE;
import static io.notebookhub.system.RealCluster.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.notebookhub.system.chart.Helm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    /**
     * The real authorizer's refusal, not a mock's canned 403: a hub whose ServiceAccount has no Role binding stops at
     * start-up, naming RBAC and the namespace, instead of running blind.
     */
    @Test
    void aHubWhoseServiceAccountHasNoRoleRefusesToStartNamingRbac() throws Exception {
        k8s.admin.serviceAccounts().inNamespace(NAMESPACE).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("no-role").endMetadata().build()).create();
        String token = k8s.admin.serviceAccounts().inNamespace(NAMESPACE).withName("no-role")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build())
                .getStatus().getToken();
        Path kubeconfig = k8s.cluster.tokenKubeconfig(k8s.temp.resolve("no-role.kubeconfig"), token, NAMESPACE);
        try (KubernetesClient asIt = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
            KubernetesClientException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    KubernetesClientException.class, () -> asIt.pods().inNamespace(NAMESPACE).list());
            assertThat(refused.getCode()).as("the API server knows the account and refuses it").isEqualTo(403);
        }
        HubProcess unprivileged = k8s.hubWithTheChartsConfiguration("no-role-hub", kubeconfig, HubProcess.freePort(),
                "no-proxy-is-reached");
        unprivileged.env.put("NBHUB_SPAWNER_KUBERNETES_INFORMER_SYNC_TIMEOUT", "20");
        Process process = unprivileged.launch();
        try {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the hub stops by itself").isTrue();
            assertThat(process.exitValue()).isNotZero();
            // The hint and the API server's own words, which name the account and the verb.
            assertThat(unprivileged.logText()).contains("RBAC").contains("namespace " + NAMESPACE)
                    .contains("pods is forbidden");
        } finally {
            process.destroyForcibly();
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
