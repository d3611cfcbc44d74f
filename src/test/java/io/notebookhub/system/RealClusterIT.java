package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.notebookhub.system.chart.Helm;
import io.notebookhub.system.kubernetes.ControlPlane;
import io.notebookhub.system.kubernetes.ProcessKubelet;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart installed into a real Kubernetes API server (etcd, kube-apiserver with RBAC and its default admission
 * plugins, controller-manager, scheduler), with {@link ProcessKubelet} as the nodes: two CPU nodes and a GPU node
 * with the {@code nvidia.com/gpu} taint. The hub and the proxy run as local processes with the configuration the
 * chart rendered and the chart's own ServiceAccount's token, so every call the hub makes is checked against the
 * chart's RBAC rules.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealClusterIT {
    private static final String RELEASE = "nbhub";
    private static final String NAMESPACE = "notebooks";
    private static final Duration SPAWN_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path temp;
    private static ControlPlane cluster;
    private static ProcessKubelet kubelet;
    private static KubernetesClient admin;
    private static HubProcess hub;
    private static Process proxy;
    private static Path hubKubeconfig;

    @BeforeAll
    static void installTheChartAndStartTheHub() throws Exception {
        // Pods run as the chart's uid 1000, which must be able to reach its home folder under this root-owned folder.
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        cluster = ControlPlane.start(temp.resolve("cluster"));
        admin = cluster.admin();
        var gpuTaint = new TaintBuilder().withKey("nvidia.com/gpu").withEffect("NoSchedule").build();
        kubelet = new ProcessKubelet(admin, temp.resolve("kubelet"))
                .addNode("cpu-1", Map.of("pool", "cpu"), Map.of("cpu", "64", "memory", "256Gi"), List.of())
                .addNode("cpu-2", Map.of("pool", "cpu"), Map.of("cpu", "64", "memory", "256Gi"), List.of())
                .addNode("gpu-1", Map.of("pool", "gpu", "nvidia.com/gpu.present", "true"),
                        Map.of("cpu", "8", "memory", "64Gi", "nvidia.com/gpu", "1"), List.of(gpuTaint))
                .start();

        Helm.Result install = Helm.run("install", RELEASE, Helm.chart().toString(), "--namespace", NAMESPACE,
                "--create-namespace", "--kubeconfig", cluster.adminKubeconfig().toString());
        assertThat(install.succeeded()).as(install.describe()).isTrue();
        startHubWithTheChartsConfiguration();
    }

    /** The hub and the proxy as the chart's Deployments would run them, from its ConfigMaps, Secret and RBAC. */
    private static void startHubWithTheChartsConfiguration() throws Exception {
        Map<String, String> secret = admin.secrets().inNamespace(NAMESPACE).withName(RELEASE + "-secret").get().getData();
        String proxyToken = decode(secret.get("proxy-auth-token"));
        Path config = Files.writeString(temp.resolve("config.yaml"), admin.configMaps().inNamespace(NAMESPACE)
                .withName(RELEASE + "-hub-config").get().getData().get("config.yaml"));
        Path profiles = Files.createDirectories(temp.resolve("profiles"));
        Files.writeString(profiles.resolve("profiles.yaml"), admin.configMaps().inNamespace(NAMESPACE)
                .withName(RELEASE + "-profiles").get().getData().get("profiles.yaml"));
        String token = admin.serviceAccounts().inNamespace(NAMESPACE).withName(RELEASE + "-hub")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(7200L).endSpec().build())
                .getStatus().getToken();
        hubKubeconfig = cluster.tokenKubeconfig(temp.resolve("hub.kubeconfig"), token, NAMESPACE);

        hub = new HubProcess(temp.resolve("hub-data"), List.of("--config", config.toString()));
        int apiPort = HubProcess.freePort();
        hub.profilesDir(profiles).externalProxy("http://127.0.0.1:" + apiPort, proxyToken);
        hub.env.put("NBHUB_HUB_IP", "127.0.0.1");
        hub.env.put("NBHUB_HUB_CONNECT_URL", "http://127.0.0.1:" + hub.hubPort);
        hub.env.put("NBHUB_HUB_COOKIE_SECRET", decode(secret.get("hub-cookie-secret")));
        hub.env.put("NBHUB_SPAWNER_KUBERNETES_KUBECONFIG", hubKubeconfig.toString());
        hub.env.put("NBHUB_HUB_ADMIN_USERS", "admin");
        proxy = startProxy(apiPort, proxyToken);
        hub.start();
    }

    private static Process startProxy(int apiPort, String token) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(HubProcess.javaBin(), "-jar", HubProcess.jar().toString(), "proxy",
                "--ip", "127.0.0.1", "--port", Integer.toString(hub.proxyPort),
                "--api-ip", "127.0.0.1", "--api-port", Integer.toString(apiPort),
                "--default-target", "http://127.0.0.1:" + hub.hubPort,
                "--error-target", "http://127.0.0.1:" + hub.hubPort + "/hub/error")
                .redirectErrorStream(true).redirectOutput(temp.resolve("proxy.log").toFile());
        pb.environment().put("CONFIGPROXY_AUTH_TOKEN", token);
        Process started = pb.start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertThat(started.isAlive()).as("the proxy runs").isTrue();
            try (var s = new java.net.Socket("127.0.0.1", hub.proxyPort)) {
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        return started;
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            if (hub != null) {
                hub.close();
            }
            if (proxy != null) {
                proxy.destroy();
                proxy.waitFor(20, TimeUnit.SECONDS);
            }
        } finally {
            if (kubelet != null) {
                kubelet.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64));
    }

    private static String proxyUrl() {
        return "http://127.0.0.1:" + hub.proxyPort;
    }

    private static JsonNode server(String user) throws Exception {
        return HubApi.adminGet(hub, "/hub/api/users/" + user).path("servers").path("");
    }

    private static void awaitReady(String user) {
        await("the server of " + user).atMost(SPAWN_TIMEOUT).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(server(user).path("ready").asBoolean())
                        .as(() -> describe(user))
                        .isTrue());
    }

    private static String describe(String user) {
        Pod pod = podOf(user);
        try {
            return user + "'s server: " + server(user) + "\npod: " + (pod == null ? "none" : pod.getStatus());
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static Pod podOf(String user) {
        List<Pod> pods = admin.pods().inNamespace(NAMESPACE).withLabel("hub.jupyter.org/username", user).list()
                .getItems();
        return pods.isEmpty() ? null : pods.get(0);
    }

    @Test
    @Order(1)
    void theChartsObjectsAreAcceptedByARealApiServer() {
        assertThat(admin.apps().deployments().inNamespace(NAMESPACE).list().getItems())
                .extracting(d -> d.getMetadata().getName())
                .contains(RELEASE + "-hub", RELEASE + "-proxy");
        assertThat(admin.rbac().roles().inNamespace(NAMESPACE).withName(RELEASE + "-hub-spawner").get()).isNotNull();
        assertThat(admin.rbac().roleBindings().inNamespace(NAMESPACE).withName(RELEASE + "-hub-spawner").get())
                .isNotNull();
        assertThat(admin.network().v1().networkPolicies().inNamespace(NAMESPACE).list().getItems()).isNotEmpty();
    }

    @Test
    @Order(2)
    void theHubsServiceAccountMayManagePodsButNotReadSecrets() throws Exception {
        try (KubernetesClient asHub = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(hubKubeconfig))).build()) {
            assertThat(asHub.pods().inNamespace(NAMESPACE).list().getItems()).isNotNull();
            KubernetesClientException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    KubernetesClientException.class, () -> asHub.secrets().inNamespace(NAMESPACE).list());
            assertThat(refused.getCode()).isEqualTo(403);
        }
    }

    @Test
    @Order(3)
    void aliceSpawnsTheCpuProfileOnTheCpuPoolAndRunsAKernelThroughTheProxy() throws Exception {
        Browser alice = new Browser(proxyUrl());
        alice.login("alice");
        HttpResponse<String> spawn = hub.call("POST", "/hub/api/users/alice/server", "{}", HubProcess.ADMIN_TOKEN);
        assertThat(spawn.statusCode()).as(spawn.body()).isIn(201, 202);
        awaitReady("alice");

        Pod pod = podOf("alice");
        assertThat(pod).isNotNull();
        assertThat(pod.getSpec().getNodeName()).startsWith("cpu-");
        assertThat(pod.getStatus().getPodIP()).startsWith("127.0.1.");
        PersistentVolumeClaim claim = admin.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(c -> c.getMetadata().getName().contains("alice")).findFirst().orElseThrow();
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
        try (KernelSession kernel = KernelSession.open(alice, proxyUrl(), "/user/alice/")) {
            assertThat(kernel.execute("6*7", Duration.ofSeconds(90))).isEqualTo("42");
            assertThat(kernel.execute("open('kept.txt', 'w').write('still here')", Duration.ofSeconds(30)))
                    .isEqualTo("10");
        }
    }

    @Test
    @Order(4)
    void bobIsRefusedAlicesServer() throws Exception {
        Browser bob = new Browser(proxyUrl());
        bob.login("bob");
        HttpResponse<String> tree = bob.get("/user/alice/tree");
        assertThat(tree.statusCode()).isEqualTo(403);
        assertThat(tree.uri().getPath()).as("bob went through the OAuth check").isNotEqualTo("/hub/login");
        assertThat(bob.get("/user/alice/api/status").statusCode()).isEqualTo(403);
    }

    @Test
    @Order(5)
    void stoppingDeletesThePodKeepsTheClaimAndTheNextSpawnFindsAlicesFile() throws Exception {
        String claim = admin.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems().stream()
                .map(c -> c.getMetadata().getName()).filter(n -> n.contains("alice")).findFirst().orElseThrow();
        HttpResponse<String> stop = hub.call("DELETE", "/hub/api/users/alice/server", null, HubProcess.ADMIN_TOKEN);
        assertThat(stop.statusCode()).as(stop.body()).isIn(202, 204);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(() -> podOf("alice") == null);
        assertThat(admin.persistentVolumeClaims().inNamespace(NAMESPACE).withName(claim).get()).isNotNull();

        hub.call("POST", "/hub/api/users/alice/server", "{}", HubProcess.ADMIN_TOKEN);
        awaitReady("alice");
        Browser alice = new Browser(proxyUrl());
        alice.login("alice");
        assertThat(alice.get("/user/alice/tree").statusCode()).isEqualTo(200);
        try (KernelSession kernel = KernelSession.open(alice, proxyUrl(), "/user/alice/")) {
            assertThat(kernel.execute("open('kept.txt').read()", Duration.ofSeconds(90))).isEqualTo("'still here'");
        }
        hub.stopServerOnClose("alice");
    }

    @Test
    @Order(6)
    void aGpuUserLandsOnTheGpuNodeBecauseOfTheTolerationAndSelector() throws Exception {
        assertThat(hub.call("POST", "/hub/api/groups/gpu-users", null, HubProcess.ADMIN_TOKEN).statusCode())
                .isIn(201, 409);
        assertThat(hub.call("POST", "/hub/api/users/carol", null, HubProcess.ADMIN_TOKEN).statusCode()).isIn(201, 409);
        assertThat(hub.call("POST", "/hub/api/groups/gpu-users/users", "{\"users\": [\"carol\"]}",
                HubProcess.ADMIN_TOKEN).statusCode()).isEqualTo(200);

        HttpResponse<String> refused = hub.call("POST", "/hub/api/users/bob/server", "{\"profile\": \"gpu\"}",
                HubProcess.ADMIN_TOKEN);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);

        HttpResponse<String> spawn = hub.call("POST", "/hub/api/users/carol/server", "{\"profile\": \"gpu\"}",
                HubProcess.ADMIN_TOKEN);
        assertThat(spawn.statusCode()).as(spawn.body()).isIn(201, 202);
        hub.stopServerOnClose("carol");
        awaitReady("carol");
        Pod pod = podOf("carol");
        assertThat(pod.getSpec().getNodeName()).isEqualTo("gpu-1");
        List<String> tolerated = new ArrayList<>();
        pod.getSpec().getTolerations().forEach(t -> tolerated.add(t.getKey()));
        assertThat(tolerated).contains("nvidia.com/gpu");
    }

    /** The spawn's progress stream read to its end (it ends with the ready or the failed event). */
    private static String progressOf(String user) throws Exception {
        HttpResponse<String> r = hub.call("GET", "/hub/api/users/" + user + "/server/progress", null,
                HubProcess.ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static void refreshProfilesFromTheConfigMap() throws Exception {
        Files.writeString(temp.resolve("profiles/profiles.yaml"), admin.configMaps().inNamespace(NAMESPACE)
                .withName(RELEASE + "-profiles").get().getData().get("profiles.yaml"));
    }

    @Test
    @Order(7)
    void aPodWithoutTheGpuTolerationStaysUnscheduledAndTheUserIsToldWhy() throws Exception {
        Map<String, String> secretBefore = admin.secrets().inNamespace(NAMESPACE).withName(RELEASE + "-secret").get()
                .getData();
        Helm.Result values = Helm.run("get", "values", RELEASE, "--all", "--output", "json", "--namespace", NAMESPACE,
                "--kubeconfig", cluster.adminKubeconfig().toString());
        assertThat(values.succeeded()).as(values.describe()).isTrue();
        var profiles = (com.fasterxml.jackson.databind.node.ArrayNode) HubProcess.JSON.readTree(values.stdout())
                .path("profiles");
        profiles.addObject().put("slug", "gpu-untolerated").put("display_name", "GPU without toleration")
                .set("extra_resource_limits", HubProcess.JSON.createObjectNode().put("nvidia.com/gpu", "1"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) profiles.get(profiles.size() - 1))
                .set("node_selector", HubProcess.JSON.createObjectNode().put("nvidia.com/gpu.present", "true"));
        Path file = temp.resolve("more-profiles.json");
        HubProcess.JSON.writeValue(file.toFile(), Map.of("profiles", profiles));
        Helm.Result upgrade = Helm.run("upgrade", RELEASE, Helm.chart().toString(), "--namespace", NAMESPACE,
                "--kubeconfig", cluster.adminKubeconfig().toString(), "--reuse-values", "--values", file.toString());
        assertThat(upgrade.succeeded()).as(upgrade.describe()).isTrue();
        assertThat(admin.secrets().inNamespace(NAMESPACE).withName(RELEASE + "-secret").get().getData())
                .as("helm upgrade keeps the generated secrets").isEqualTo(secretBefore);
        // What the kubelet does for a ConfigMap mounted as a folder; the hub reloads profiles from it.
        refreshProfilesFromTheConfigMap();
        assertThat(hub.call("POST", "/hub/api/users/dave", null, HubProcess.ADMIN_TOKEN).statusCode()).isIn(201, 409);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> hub.call("POST",
                "/hub/api/users/dave/server", "{\"profile\": \"gpu-untolerated\"}", HubProcess.ADMIN_TOKEN)
                .statusCode() != 400);
        String progress = progressOf("dave");
        assertThat(progress).contains("\"failed\":true").contains("untolerated taint");
        assertThat(podOf("dave")).as("the unschedulable pod is removed").isNull();
    }

    @Test
    @Order(8)
    void aFullResourceQuotaEndsTheSpawnAtOnceNamingTheQuota() throws Exception {
        admin.resourceQuotas().inNamespace(NAMESPACE).resource(new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder()
                .withNewMetadata().withName("notebook-memory").endMetadata()
                .withNewSpec().withHard(Map.of("requests.memory", new io.fabric8.kubernetes.api.model.Quantity("1Mi")))
                .endSpec().build()).create();
        try {
            // The quota controller must have counted the namespace before admission enforces it.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                var quota = admin.resourceQuotas().inNamespace(NAMESPACE).withName("notebook-memory").get();
                return quota.getStatus() != null && quota.getStatus().getUsed() != null;
            });
            assertThat(hub.call("POST", "/hub/api/users/erin", null, HubProcess.ADMIN_TOKEN).statusCode())
                    .isIn(201, 409);
            long started = System.nanoTime();
            HttpResponse<String> spawn = hub.call("POST", "/hub/api/users/erin/server", "{}", HubProcess.ADMIN_TOKEN);
            assertThat(spawn.statusCode()).as(spawn.body()).isIn(201, 202, 500);
            String progress = progressOf("erin");
            assertThat(progress).contains("\"failed\":true").contains("exceeded quota: notebook-memory")
                    .doesNotContain("RBAC");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
        } finally {
            admin.resourceQuotas().inNamespace(NAMESPACE).withName("notebook-memory").delete();
        }
    }

    @Test
    @Order(9)
    void healthReportsTheWatchDownWhileTheApiServerIsGoneAndTheWatchesRecoverWithoutLosingAPodEvent()
            throws Exception {
        assertThat(server("carol").path("ready").asBoolean()).as("carol's GPU server from before").isTrue();

        cluster.killApiServer();
        await("health to report the watch").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    HttpResponse<String> down = hub.call("GET", "/hub/health", null, null);
                    assertThat(down.statusCode()).isEqualTo(503);
                    assertThat(down.body()).contains("has not answered the hub's watch of namespace " + NAMESPACE);
                });
        cluster.startApiServer();
        admin.pods().inNamespace(NAMESPACE).withName(podOf("carol").getMetadata().getName()).delete();

        await("the hub to notice carol's pod is gone").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !server("carol").path("ready").asBoolean(false));
        hub.serverStopped("carol");
        await("health to recover").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> hub.call("GET", "/hub/health", null, null).statusCode() == 200);
    }

    @Test
    @Order(10)
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
                    .until(() -> users.stream().filter(RealClusterIT::ready).count() == users.size());

            hub.kill9();
            hub.start();

            await("every server adopted and routed").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        JsonNode routes = HubApi.adminGet(hub, "/hub/api/proxy");
                        for (String user : users) {
                            assertThat(ready(user)).as(user + " adopted").isTrue();
                            assertThat(routes.path("/user/" + user + "/").path("target").asText())
                                    .isEqualTo("http://" + podOf(user).getStatus().getPodIP() + ":8888");
                        }
                    });
            Browser anyone = new Browser(proxyUrl());
            for (String user : users) {
                HttpResponse<String> api = anyone.get("/user/" + user + "/api");
                assertThat(api.statusCode()).as(user + "'s server through the proxy").isEqualTo(200);
                assertThat(api.body()).contains("\"version\"");
            }
        } finally {
            for (String user : users) {
                hub.call("DELETE", "/hub/api/users/" + user + "/server", null, HubProcess.ADMIN_TOKEN);
            }
            await("the pods to go").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> users.stream().allMatch(u -> podOf(u) == null));
        }
    }

    @Test
    @Order(11)
    void everyValuesScenarioOfTheChartTestsInstallsIntoTheRealApiServer() throws Exception {
        List<String> scenarios = List.of("gpu-profiles.yaml", "oidc-existing-secret.yaml", "ingress-tls.yaml",
                "nodeport.yaml", "netpol-off.yaml", "proxy-https.yaml", "postgres.yaml");
        Path values = HubProcess.repo().resolve("src/test/resources/chart");
        for (int i = 0; i < scenarios.size(); i++) {
            String namespace = "scenario-" + i;
            Helm.Result install = Helm.run("install", "s" + i, Helm.chart().toString(), "--namespace", namespace,
                    "--create-namespace", "--kubeconfig", cluster.adminKubeconfig().toString(),
                    "--values", values.resolve(scenarios.get(i)).toString());
            assertThat(install.succeeded()).as(scenarios.get(i) + ": " + install.describe()).isTrue();
            assertThat(admin.apps().deployments().inNamespace(namespace).list().getItems())
                    .as(scenarios.get(i)).hasSize(2);
        }
    }

    private static boolean ready(String user) {
        try {
            return server(user).path("ready").asBoolean(false);
        } catch (Exception e) {
            return false;
        }
    }
}
