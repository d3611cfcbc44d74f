package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.notebookhub.system.chart.Helm;
import io.notebookhub.system.kubernetes.ControlPlane;
import io.notebookhub.system.kubernetes.ProcessKubelet;
import io.notebookhub.system.kubernetes.TcpRelay;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The chart installed into a real Kubernetes API server (etcd, kube-apiserver with RBAC and its default admission
 * plugins, controller-manager, scheduler), with {@link ProcessKubelet} as the nodes: two CPU nodes and a GPU node
 * with the {@code nvidia.com/gpu} taint. The hub and the proxy run as local processes with the configuration the
 * chart rendered and the chart's own ServiceAccount's token, so every call the hub makes is checked against the
 * chart's RBAC rules. The hub reaches the API server through a {@link TcpRelay}, so a test can take the hub off the
 * cluster while the cluster goes on.
 *
 * <p>Started once per test JVM by {@link RealClusterTest} and stopped when every test class has run; each class
 * uses its own users, so the classes do not depend on each other's order.
 */
final class RealCluster implements AutoCloseable {
    static final String RELEASE = "nbhub";
    static final String NAMESPACE = "notebooks";
    static final Duration SPAWN_TIMEOUT = Duration.ofMinutes(3);

    final Path temp;
    final ControlPlane cluster;
    final KubernetesClient admin;
    private ProcessKubelet kubelet;
    private TcpRelay relay;
    HubProcess hub;
    private Process proxy;
    Path hubKubeconfig;

    private RealCluster(Path temp) throws IOException {
        this.temp = temp;
        this.cluster = ControlPlane.start(temp.resolve("cluster"));
        this.admin = cluster.admin();
    }

    static RealCluster start() throws Exception {
        Path temp = Files.createTempDirectory("real-cluster");
        // Pods run as the chart's uid 1000, which must be able to reach its home folder under this root-owned folder.
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        RealCluster started = new RealCluster(temp);
        try {
            started.installTheChartAndStartTheHub();
        } catch (Exception | AssertionError e) {
            started.close();
            throw e;
        }
        return started;
    }

    private void installTheChartAndStartTheHub() throws Exception {
        var gpuTaint = new TaintBuilder().withKey("nvidia.com/gpu").withEffect("NoSchedule").build();
        // A pod network of this run's own, apart from other test runs on the machine that use the default one.
        kubelet = new ProcessKubelet(admin, temp.resolve("kubelet"))
                .podNetwork("127.0." + (2 + ProcessHandle.current().pid() % 200) + ".")
                .addNode("cpu-1", Map.of("pool", "cpu"), Map.of("cpu", "64", "memory", "256Gi"), List.of())
                .addNode("cpu-2", Map.of("pool", "cpu"), Map.of("cpu", "64", "memory", "256Gi"), List.of())
                .addNode("gpu-1", Map.of("pool", "gpu", "nvidia.com/gpu.present", "true"),
                        Map.of("cpu", "8", "memory", "64Gi", "nvidia.com/gpu", "1"), List.of(gpuTaint))
                .start();
        Helm.Result install = helm("install", RELEASE, Helm.chart().toString(), "--namespace", NAMESPACE,
                "--create-namespace", "--values",
                HubProcess.repo().resolve("src/test/resources/cluster/values.yaml").toString());
        assertThat(install.succeeded()).as(install.describe()).isTrue();
        startHubWithTheChartsConfiguration();
    }

    /** Runs helm as cluster-admin against this cluster. */
    Helm.Result helm(String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--kubeconfig", cluster.adminKubeconfig().toString()));
        return Helm.run(all.toArray(String[]::new));
    }

    /** The hub and the proxy as the chart's Deployments would run them, from its ConfigMaps, Secret and RBAC. */
    private void startHubWithTheChartsConfiguration() throws Exception {
        Map<String, String> secret = secretData();
        String proxyToken = decode(secret.get("proxy-auth-token"));
        Files.writeString(temp.resolve("config.yaml"), admin.configMaps().inNamespace(NAMESPACE)
                .withName(RELEASE + "-hub-config").get().getData().get("config.yaml"));
        Files.createDirectories(temp.resolve("profiles"));
        refreshProfilesFromTheConfigMap();
        String token = admin.serviceAccounts().inNamespace(NAMESPACE).withName(RELEASE + "-hub")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(7200L).endSpec().build())
                .getStatus().getToken();
        relay = new TcpRelay("127.0.0.1", cluster.apiPort());
        hubKubeconfig = cluster.tokenKubeconfig(temp.resolve("hub.kubeconfig"), token, NAMESPACE,
                "https://127.0.0.1:" + relay.port());

        int apiPort = HubProcess.freePort();
        hub = hubWithTheChartsConfiguration("hub-data", hubKubeconfig, apiPort, proxyToken);
        proxy = startProxy(apiPort, proxyToken);
        hub.start();
    }

    /**
     * A hub process (not started) with the chart's configuration, Secret and profiles, this kubeconfig and this proxy
     * API port; {@link #hub} is one, a test may start another (e.g. with another ServiceAccount's token).
     */
    HubProcess hubWithTheChartsConfiguration(String name, Path kubeconfig, int proxyApiPort, String proxyToken)
            throws IOException {
        HubProcess process = new HubProcess(temp.resolve(name), List.of("--config",
                temp.resolve("config.yaml").toString()));
        process.profilesDir(temp.resolve("profiles")).externalProxy("http://127.0.0.1:" + proxyApiPort, proxyToken);
        process.env.put("NBHUB_HUB_IP", "127.0.0.1");
        process.env.put("NBHUB_HUB_CONNECT_URL", "http://127.0.0.1:" + process.hubPort);
        process.env.put("NBHUB_HUB_COOKIE_SECRET", decode(secretData().get("hub-cookie-secret")));
        process.env.put("NBHUB_SPAWNER_KUBERNETES_KUBECONFIG", kubeconfig.toString());
        process.env.put("NBHUB_HUB_ADMIN_USERS", "admin");
        return process;
    }

    private Process startProxy(int apiPort, String token) throws Exception {
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
            } catch (IOException e) {
                return false;
            }
        });
        return started;
    }

    /** Takes the hub off the API server: its connections drop and new ones are refused until {@link #reconnectHub}. */
    void disconnectHub() {
        relay.cut();
    }

    void reconnectHub() {
        relay.mend();
    }

    Map<String, String> secretData() {
        return admin.secrets().inNamespace(NAMESPACE).withName(RELEASE + "-secret").get().getData();
    }

    /** What the kubelet does for a ConfigMap mounted as a folder; the hub reloads profiles from it. */
    void refreshProfilesFromTheConfigMap() throws IOException {
        Files.writeString(temp.resolve("profiles/profiles.yaml"), admin.configMaps().inNamespace(NAMESPACE)
                .withName(RELEASE + "-profiles").get().getData().get("profiles.yaml"));
    }

    String proxyUrl() {
        return "http://127.0.0.1:" + hub.proxyPort;
    }

    JsonNode server(String user) throws Exception {
        return HubApi.adminGet(hub, "/hub/api/users/" + user).path("servers").path("");
    }

    boolean ready(String user) {
        try {
            return server(user).path("ready").asBoolean(false);
        } catch (Exception e) {
            return false;
        }
    }

    /** Creates the user if needed and asks for their default server with this body (e.g. a profile). */
    HttpResponse<String> spawn(String user, String body) throws Exception {
        assertThat(hub.call("POST", "/hub/api/users/" + user, null, HubProcess.ADMIN_TOKEN).statusCode())
                .isIn(201, 409);
        return hub.call("POST", "/hub/api/users/" + user + "/server", body, HubProcess.ADMIN_TOKEN);
    }

    HttpResponse<String> stop(String user) throws Exception {
        return hub.call("DELETE", "/hub/api/users/" + user + "/server", null, HubProcess.ADMIN_TOKEN);
    }

    void awaitReady(String user) {
        await("the server of " + user).atMost(SPAWN_TIMEOUT).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(server(user).path("ready").asBoolean())
                        .as(() -> describe(user))
                        .isTrue());
    }

    void awaitNoPod(String user) {
        await("the pod of " + user + " to go").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .until(() -> podOf(user) == null);
    }

    private String describe(String user) {
        Pod pod = podOf(user);
        try {
            return user + "'s server: " + server(user) + "\npod: " + (pod == null ? "none" : pod.getStatus());
        } catch (Exception e) {
            return e.toString();
        }
    }

    Pod podOf(String user) {
        List<Pod> pods = admin.pods().inNamespace(NAMESPACE).withLabel("hub.jupyter.org/username", user).list()
                .getItems();
        return pods.isEmpty() ? null : pods.get(0);
    }

    String claimOf(String user) {
        return admin.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems().stream()
                .map(c -> c.getMetadata().getName()).filter(n -> n.contains(user)).findFirst().orElseThrow();
    }

    /** The spawn's progress stream read to its end (it ends with the ready or the failed event). */
    String progressOf(String user) throws Exception {
        HttpResponse<String> r = hub.call("GET", "/hub/api/users/" + user + "/server/progress", null,
                HubProcess.ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** A browser logged in as this user through the proxy. */
    Browser browser(String user) throws Exception {
        Browser browser = new Browser(proxyUrl());
        browser.login(user);
        return browser;
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64));
    }

    @Override
    public void close() throws Exception {
        try {
            if (hub != null) {
                hub.close();
            }
            if (proxy != null) {
                proxy.destroy();
                proxy.waitFor(20, TimeUnit.SECONDS);
            }
            if (relay != null) {
                relay.close();
            }
        } finally {
            if (kubelet != null) {
                kubelet.close();
            }
            cluster.close();
        }
    }
}
