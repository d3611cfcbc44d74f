package io.notebookhub.system;

import static io.notebookhub.system.RealCluster.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Users' servers on the real cluster: placement, routing at the pod IP, a kernel over WebSocket through the proxy,
 * access, and a home that outlives its pod whether the server is stopped or culled.
 */
@RealClusterTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotebookServersOnRealClusterIT {
    private static RealCluster k8s;
    private static HubProcess hub;

    @BeforeAll
    static void useTheCluster(RealCluster cluster) {
        k8s = cluster;
        hub = cluster.hub;
    }

    @Test
    @Order(1)
    void aliceSpawnsTheCpuProfileOnTheCpuPoolAndRunsAKernelThroughTheProxy() throws Exception {
        Browser alice = k8s.browser("alice");
        HttpResponse<String> spawn = k8s.spawn("alice", "{}");
        assertThat(spawn.statusCode()).as(spawn.body()).isIn(201, 202);
        k8s.awaitReady("alice");

        Pod pod = k8s.podOf("alice");
        assertThat(pod).isNotNull();
        assertThat(pod.getSpec().getNodeName()).startsWith("cpu-");
        assertThat(pod.getStatus().getPodIP()).startsWith("127.0.").isNotEqualTo("127.0.0.1");
        PersistentVolumeClaim claim = k8s.admin.persistentVolumeClaims().inNamespace(NAMESPACE)
                .withName(k8s.claimOf("alice")).get();
        assertThat(claim.getStatus().getPhase()).isEqualTo("Bound");
        JsonNode routes = HubApi.adminGet(hub, "/hub/api/proxy");
        assertThat(routes.path("/user/alice/").path("target").asText())
                .isEqualTo("http://" + pod.getStatus().getPodIP() + ":8888");

        // The notebook server logs alice in through the hub's OAuth provider on her first page.
        HttpResponse<String> tree = alice.get("/user/alice/tree");
        assertThat(tree.statusCode()).as(tree.body()).isEqualTo(200);
        assertThat(tree.uri().getPath()).isEqualTo("/user/alice/tree");
        HttpResponse<String> status = alice.get("/user/alice/api/status");
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        try (KernelSession kernel = KernelSession.open(alice, k8s.proxyUrl(), "/user/alice/")) {
            assertThat(kernel.execute("6*7", Duration.ofSeconds(90))).isEqualTo("42");
            assertThat(kernel.execute("open('kept.txt', 'w').write('still here')", Duration.ofSeconds(30)))
                    .isEqualTo("10");
        }
    }

    @Test
    @Order(2)
    void bobIsRefusedAlicesServer() throws Exception {
        Browser bob = k8s.browser("bob");
        HttpResponse<String> tree = bob.get("/user/alice/tree");
        assertThat(tree.statusCode()).isEqualTo(403);
        assertThat(tree.uri().getPath()).as("bob went through the OAuth check").isNotEqualTo("/hub/login");
        assertThat(bob.get("/user/alice/api/status").statusCode()).isEqualTo(403);
    }

    @Test
    @Order(3)
    void stoppingDeletesThePodKeepsTheClaimAndTheNextSpawnFindsAlicesFile() throws Exception {
        String claim = k8s.claimOf("alice");
        HttpResponse<String> stop = k8s.stop("alice");
        assertThat(stop.statusCode()).as(stop.body()).isIn(202, 204);
        k8s.awaitNoPod("alice");
        assertThat(k8s.admin.persistentVolumeClaims().inNamespace(NAMESPACE).withName(claim).get()).isNotNull();

        k8s.spawn("alice", "{}");
        k8s.awaitReady("alice");
        assertThat(read(k8s.browser("alice"), "kept.txt")).isEqualTo("'still here'");
    }

    @Test
    @Order(4)
    void cullingAnIdleServerDeletesThePodKeepsTheClaimAndTheNextSpawnFindsAlicesFile() throws Exception {
        assertThat(k8s.stop("alice").statusCode()).isIn(202, 204);
        k8s.awaitNoPod("alice");
        // The tests' chart values give this profile a one-minute idle timeout and the hub's culler a 2 s period.
        HttpResponse<String> spawn = k8s.spawn("alice", "{\"profile\": \"quick-cull\"}");
        assertThat(spawn.statusCode()).as(spawn.body()).isIn(201, 202);
        k8s.awaitReady("alice");
        String claim = k8s.claimOf("alice");
        Browser alice = k8s.browser("alice");
        assertThat(alice.get("/user/alice/tree").statusCode()).isEqualTo(200);
        try (KernelSession kernel = KernelSession.open(alice, k8s.proxyUrl(), "/user/alice/")) {
            assertThat(kernel.execute("open('before-cull.txt', 'w').write('written before')",
                    Duration.ofSeconds(90))).isEqualTo("14");
        }

        await("the culler to stop alice's idle server").atMost(Duration.ofSeconds(150))
                .pollInterval(Duration.ofSeconds(1)).until(() -> k8s.podOf("alice") == null && !k8s.ready("alice"));
        // The pod can be gone from the API a moment before the hub has seen it go and the culler reports its stop.
        await("the culler's report of the stop").atMost(Duration.ofSeconds(30))
                .until(() -> hub.logText().contains("Culled alice: "));
        assertThat(k8s.admin.persistentVolumeClaims().inNamespace(NAMESPACE).withName(claim).get())
                .as("culling keeps the home").isNotNull();

        k8s.spawn("alice", "{}");
        k8s.awaitReady("alice");
        assertThat(read(k8s.browser("alice"), "before-cull.txt")).isEqualTo("'written before'");
        hub.stopServerOnClose("alice");
    }

    private String read(Browser browser, String file) throws Exception {
        assertThat(browser.get("/user/alice/tree").statusCode()).isEqualTo(200);
        try (KernelSession kernel = KernelSession.open(browser, k8s.proxyUrl(), "/user/alice/")) {
            return kernel.execute("open('" + file + "').read()", Duration.ofSeconds(90));
        }
    }

    @Test
    @Order(5)
    void aGpuUserLandsOnTheGpuNodeBecauseOfTheTolerationAndSelector() throws Exception {
        assertThat(hub.call("POST", "/hub/api/groups/gpu-users", null, HubProcess.ADMIN_TOKEN).statusCode())
                .isIn(201, 409);
        assertThat(hub.call("POST", "/hub/api/users/carol", null, HubProcess.ADMIN_TOKEN).statusCode()).isIn(201, 409);
        assertThat(hub.call("POST", "/hub/api/groups/gpu-users/users", "{\"users\": [\"carol\"]}",
                HubProcess.ADMIN_TOKEN).statusCode()).isEqualTo(200);

        HttpResponse<String> refused = k8s.spawn("bob", "{\"profile\": \"gpu\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);

        HttpResponse<String> spawn = k8s.spawn("carol", "{\"profile\": \"gpu\"}");
        assertThat(spawn.statusCode()).as(spawn.body()).isIn(201, 202);
        k8s.awaitReady("carol");
        Pod pod = k8s.podOf("carol");
        assertThat(pod.getSpec().getNodeName()).isEqualTo("gpu-1");
        List<String> tolerated = new ArrayList<>();
        pod.getSpec().getTolerations().forEach(t -> tolerated.add(t.getKey()));
        assertThat(tolerated).contains("nvidia.com/gpu");
        // The GPU node has one GPU: free it for the other classes' GPU scenarios.
        assertThat(k8s.stop("carol").statusCode()).isIn(202, 204);
        k8s.awaitNoPod("carol");
    }
}
