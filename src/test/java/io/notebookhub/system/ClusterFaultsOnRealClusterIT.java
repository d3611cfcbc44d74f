package io.notebookhub.system;

import static io.notebookhub.system.RealCluster.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub on a real cluster that misbehaves: the API server killed, the hub's watch resuming from a resourceVersion
 * the API server has forgotten (410 Gone), and the hub itself killed with fifty servers running.
 */
@RealClusterTest
class ClusterFaultsOnRealClusterIT {
    private static RealCluster k8s;
    private static HubProcess hub;

    @BeforeAll
    static void useTheCluster(RealCluster cluster) {
        k8s = cluster;
        hub = cluster.hub;
    }

    @Test
    void healthReportsTheWatchDownWhileTheApiServerIsGoneAndTheWatchesRecoverWithoutLosingAPodEvent()
            throws Exception {
        k8s.spawn("gina", "{}");
        k8s.awaitReady("gina");

        k8s.cluster.killApiServer();
        await("health to report the watch").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    HttpResponse<String> down = hub.call("GET", "/hub/health", null, null);
                    assertThat(down.statusCode()).isEqualTo(503);
                    assertThat(down.body()).contains("has not answered the hub's watch of namespace " + NAMESPACE);
                });
        k8s.cluster.startApiServer();
        k8s.admin.pods().inNamespace(NAMESPACE).withName(k8s.podOf("gina").getMetadata().getName()).delete();

        await("the hub to notice gina's pod is gone").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1)).until(() -> !k8s.ready("gina"));
        awaitHealthy();
    }

    /**
     * The hub is cut off the API server; meanwhile its server's pod is deleted, etcd's history compacted and the API
     * server restarted (so its watch cache starts after the gap). The hub's watch then asks to resume from a
     * resourceVersion that no longer exists, is answered 410 Gone, and must list again: a hub that only resumed
     * would never hear of the deletion.
     */
    @Test
    void aWatchResumedFromAnExpiredResourceVersionListsAgainAndSeesThePodDeletedDuringTheGap() throws Exception {
        k8s.spawn("hank", "{}");
        k8s.awaitReady("hank");
        String pod = k8s.podOf("hank").getMetadata().getName();

        k8s.disconnectHub();
        String lastSeenByTheHub;
        try {
            // Nothing after this version reaches the hub while it is cut off.
            lastSeenByTheHub = k8s.admin.pods().inNamespace(NAMESPACE).list().getMetadata().getResourceVersion();
            k8s.admin.pods().inNamespace(NAMESPACE).withName(pod).delete();
            k8s.awaitNoPod("hank");
            k8s.cluster.killApiServer();
            k8s.cluster.compactEtcd();
            k8s.cluster.startApiServer();
            assertThat(watchFrom(lastSeenByTheHub))
                    .as("a watch from the hub's last version is answered 410 Gone").isEqualTo(410);
            assertThat(k8s.ready("hank")).as("the hub has not heard of the deletion yet").isTrue();
        } finally {
            k8s.reconnectHub();
        }

        await("the hub to notice hank's pod is gone").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1)).until(() -> !k8s.ready("hank"));
        assertThat(HubApi.adminGet(hub, "/hub/api/proxy").has("/user/hank/")).as("hank's route is removed").isFalse();
        awaitHealthy();
        // A new spawn works on the resumed watch.
        k8s.spawn("hank", "{}");
        k8s.awaitReady("hank");
        hub.stopServerOnClose("hank");
    }

    /** The HTTP status a watch from this version ends with. */
    private static int watchFrom(String resourceVersion) throws Exception {
        CompletableFuture<WatcherException> closed = new CompletableFuture<>();
        try (Watch ignored = k8s.admin.pods().inNamespace(NAMESPACE).withResourceVersion(resourceVersion)
                .watch(new Watcher<Pod>() {
                    @Override
                    public void eventReceived(Action action, Pod resource) {
                        // Events would mean the version was still known.
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        closed.complete(cause);
                    }
                })) {
            return closed.get(30, TimeUnit.SECONDS).asClientException().getCode();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            return e.getCode();
        }
    }

    private static void awaitHealthy() {
        await("health to recover").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> hub.call("GET", "/hub/health", null, null).statusCode() == 200);
    }

    @Test
    void aHubKilledWithFiftyPodsRunningAdoptsRoutesAndReachesEveryOne() throws Exception {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            users.add("k" + i);
        }
        assertThat(hub.call("POST", "/hub/api/users", HubProcess.JSON.writeValueAsString(Map.of("usernames", users)),
                HubProcess.ADMIN_TOKEN).statusCode()).isEqualTo(201);
        for (String user : users) {
            HttpResponse<String> spawn = hub.call("POST", "/hub/api/users/" + user + "/server", "{}",
                    HubProcess.ADMIN_TOKEN);
            assertThat(spawn.statusCode()).as(spawn.body()).isIn(201, 202);
        }
        try {
            await("50 servers").atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> users.stream().filter(k8s::ready).count() == users.size());

            hub.kill9();
            hub.start();

            await("every server adopted and routed").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        JsonNode routes = HubApi.adminGet(hub, "/hub/api/proxy");
                        for (String user : users) {
                            assertThat(k8s.ready(user)).as(user + " adopted").isTrue();
                            assertThat(routes.path("/user/" + user + "/").path("target").asText())
                                    .isEqualTo("http://" + k8s.podOf(user).getStatus().getPodIP() + ":8888");
                        }
                    });
            Browser anyone = new Browser(k8s.proxyUrl());
            for (String user : users) {
                HttpResponse<String> api = anyone.get("/user/" + user + "/api");
                assertThat(api.statusCode()).as(user + "'s server through the proxy").isEqualTo(200);
                assertThat(api.body()).contains("\"version\"");
            }
        } finally {
            for (String user : users) {
                k8s.stop(user);
            }
            await("the pods to go").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> users.stream().allMatch(u -> k8s.podOf(u) == null));
        }
    }
}
