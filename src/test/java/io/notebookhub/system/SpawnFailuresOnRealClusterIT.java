package io.notebookhub.system;

import static io.notebookhub.system.RealCluster.NAMESPACE;
import static io.notebookhub.system.RealCluster.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.notebookhub.system.chart.Helm;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spawns the real cluster refuses: the scheduler (an untolerated taint), a ResourceQuota and PodSecurity admission.
 * Each ends at once with the cluster's own reason, not a timeout and not a guess at RBAC.
 */
@RealClusterTest
class SpawnFailuresOnRealClusterIT {
    private static RealCluster k8s;
    private static HubProcess hub;

    @BeforeAll
    static void useTheCluster(RealCluster cluster) {
        k8s = cluster;
        hub = cluster.hub;
    }

    @Test
    void aPodWithoutTheGpuTolerationStaysUnscheduledAndTheUserIsToldWhy() throws Exception {
        Map<String, String> secretBefore = k8s.secretData();
        Helm.Result values = k8s.helm("get", "values", RELEASE, "--all", "--output", "json", "--namespace", NAMESPACE);
        assertThat(values.succeeded()).as(values.describe()).isTrue();
        var profiles = (ArrayNode) HubProcess.JSON.readTree(values.stdout()).path("profiles");
        profiles.addObject().put("slug", "gpu-untolerated").put("display_name", "GPU without toleration")
                .set("extra_resource_limits", HubProcess.JSON.createObjectNode().put("nvidia.com/gpu", "1"));
        ((ObjectNode) profiles.get(profiles.size() - 1))
                .set("node_selector", HubProcess.JSON.createObjectNode().put("nvidia.com/gpu.present", "true"));
        Path file = k8s.temp.resolve("more-profiles.json");
        HubProcess.JSON.writeValue(file.toFile(), Map.of("profiles", profiles));
        Helm.Result upgrade = k8s.helm("upgrade", RELEASE, Helm.chart().toString(), "--namespace", NAMESPACE,
                "--reuse-values", "--values", file.toString());
        assertThat(upgrade.succeeded()).as(upgrade.describe()).isTrue();
        assertThat(k8s.secretData()).as("helm upgrade keeps the generated secrets").isEqualTo(secretBefore);
        k8s.refreshProfilesFromTheConfigMap();
        assertThat(hub.call("POST", "/hub/api/users/dave", null, HubProcess.ADMIN_TOKEN).statusCode()).isIn(201, 409);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> hub.call("POST",
                "/hub/api/users/dave/server", "{\"profile\": \"gpu-untolerated\"}", HubProcess.ADMIN_TOKEN)
                .statusCode() != 400);
        String progress = k8s.progressOf("dave");
        assertThat(progress).contains("\"failed\":true").contains("untolerated taint");
        assertThat(k8s.podOf("dave")).as("the unschedulable pod is removed").isNull();
    }

    @Test
    void aFullResourceQuotaEndsTheSpawnAtOnceNamingTheQuota() throws Exception {
        k8s.admin.resourceQuotas().inNamespace(NAMESPACE).resource(new ResourceQuotaBuilder()
                .withNewMetadata().withName("notebook-memory").endMetadata()
                .withNewSpec().withHard(Map.of("requests.memory", new Quantity("1Mi"))).endSpec().build()).create();
        try {
            // The quota controller must have counted the namespace before admission enforces it.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                var quota = k8s.admin.resourceQuotas().inNamespace(NAMESPACE).withName("notebook-memory").get();
                return quota.getStatus() != null && quota.getStatus().getUsed() != null;
            });
            long started = System.nanoTime();
            HttpResponse<String> spawn = k8s.spawn("erin", "{}");
            assertThat(spawn.statusCode()).as(spawn.body()).isIn(201, 202, 500);
            String progress = k8s.progressOf("erin");
            assertThat(progress).contains("\"failed\":true").contains("exceeded quota: notebook-memory")
                    .doesNotContain("RBAC");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
        } finally {
            k8s.admin.resourceQuotas().inNamespace(NAMESPACE).withName("notebook-memory").delete();
        }
    }

    /**
     * The default pod (non-root uid 1000, no privilege escalation, every capability dropped, RuntimeDefault seccomp,
     * only claim and ConfigMap volumes) passes the {@code restricted} Pod Security Standard, so both are shown: the
     * default profile runs in a namespace that enforces it, and a profile mounting a node folder (hostPath, which
     * restricted forbids) is refused at once with the policy named.
     */
    @Test
    void aRestrictedPodSecurityNamespaceRunsTheDefaultPodAndRefusesAHostPathProfileNamingThePolicy()
            throws Exception {
        enforceRestricted(true);
        try {
            HttpResponse<String> allowed = k8s.spawn("paula", "{}");
            assertThat(allowed.statusCode()).as(allowed.body()).isIn(201, 202);
            k8s.awaitReady("paula");
            assertThat(k8s.stop("paula").statusCode()).isIn(202, 204);
            k8s.awaitNoPod("paula");

            long started = System.nanoTime();
            HttpResponse<String> spawn = k8s.spawn("paula", "{\"profile\": \"host-folder\"}");
            assertThat(spawn.statusCode()).as(spawn.body()).isIn(201, 202, 500);
            String progress = k8s.progressOf("paula");
            assertThat(progress).contains("\"failed\":true")
                    .contains("violates PodSecurity \\\"restricted:latest\\\"").contains("hostPath")
                    .doesNotContain("RBAC");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
            assertThat(k8s.server("paula").path("ready").asBoolean(false)).isFalse();
            assertThat(k8s.podOf("paula")).isNull();
        } finally {
            enforceRestricted(false);
        }
    }

    private static void enforceRestricted(boolean on) {
        k8s.admin.namespaces().withName(NAMESPACE).edit(ns -> {
            var labels = ns.getMetadata().getLabels();
            if (on) {
                labels.put("pod-security.kubernetes.io/enforce", "restricted");
                labels.put("pod-security.kubernetes.io/enforce-version", "latest");
            } else {
                labels.remove("pod-security.kubernetes.io/enforce");
                labels.remove("pod-security.kubernetes.io/enforce-version");
            }
            return ns;
        });
    }
}
