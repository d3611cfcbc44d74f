package io.notebookhub.system.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.notebookhub.profiles.ProfileDirectory;
import io.notebookhub.profiles.ProfileOverrides;
import io.notebookhub.profiles.ResolvedProfile;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnProgress;
import io.notebookhub.spawner.SpawnRequest;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.kubernetes.KubernetesSpawner;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;
import io.notebookhub.spawner.kubernetes.model.SafeNames;
import io.notebookhub.system.HubProcess;
import io.notebookhub.system.chart.Helm;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's capacity objects (placeholders, image pullers, the packing scheduler's config), rendered by helm from
 * {@code kubernetes/capacity-cluster.yaml} and applied to the real control plane, whose scheduler preempts, whose
 * StatefulSet and DaemonSet controllers make the pods, and whose nodes are {@link ProcessKubelet}'s. The spawner takes
 * its profiles and its user PriorityClass and scheduler name from the same rendering. The tests run in order because
 * they share two node pools whose occupancy each one sets up.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CapacityClusterIT {
    private static final String NAMESPACE = "capacity-it";
    private static final String RELEASE = "nbhub";
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final Duration PULL = Duration.ofSeconds(2);
    private static final Set<String> PAUSE_PODS = Set.of("user-placeholder", "continuous-image-puller");
    private static final List<Taint> GPU_TAINT =
            List.of(new TaintBuilder().withKey("nvidia.com/gpu").withEffect("NoSchedule").build());
    private static final Map<String, String> GPU_NODE = Map.of("cpu", "8", "memory", "64Gi", "nvidia.com/gpu", "2");
    private static final ObjectMapper YAML = new YAMLMapper();

    @TempDir
    static Path temp;
    private static ControlPlane cluster;
    private static ProcessKubelet kubelet;
    private static KubernetesClient admin;
    private static Vertx vertx;
    private static List<HasMetadata> rendered;
    private static Map<String, Object> hubKubernetes;
    private static ProfileDirectory profiles;
    private static KubernetesSpawnerConfig config;
    private static KubernetesSpawner spawner;
    private static Process userScheduler;

    @BeforeAll
    static void startTheClusterApplyTheChartsCapacityObjectsAndStartTheSpawner() throws Exception {
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        cluster = ControlPlane.start(temp.resolve("cluster"));
        admin = cluster.admin();
        kubelet = new ProcessKubelet(admin, temp.resolve("kubelet"))
                .runWithoutProcess(p -> PAUSE_PODS.contains(label(p, "component")))
                .pullDelay(PULL)
                .podNetwork("127.0.3.")
                .addNode("cpu-1", Map.of("pool", "cpu"), Map.of("cpu", "64", "memory", "256Gi"), List.of())
                .addNode("cpu-2", Map.of("pool", "cpu"), Map.of("cpu", "64", "memory", "256Gi"), List.of())
                .addNode("gpu-1", Map.of("pool", "gpu"), GPU_NODE, GPU_TAINT)
                .start();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
                .build()).create();
        await().atMost(WAIT).until(() -> admin.serviceAccounts().inNamespace(NAMESPACE).withName("default").get() != null);

        Helm.Result helm = Helm.run("template", RELEASE, Helm.chart().toString(), "--namespace", NAMESPACE,
                "--values", resource("kubernetes/capacity-cluster.yaml").toString());
        assertThat(helm.succeeded()).as(helm.describe()).isTrue();
        rendered = admin.load(new ByteArrayInputStream(helm.stdout().getBytes(StandardCharsets.UTF_8))).items();
        for (HasMetadata object : rendered) {
            switch (object.getKind()) {
                case "PriorityClass" -> admin.resource(object).create();
                case "StatefulSet", "DaemonSet" -> admin.resource(object).inNamespace(NAMESPACE).create();
                default -> { }
            }
        }
        Map<?, ?> hubConfig = YAML.readValue(configMapData("nbhub-hub-config", "config.yaml"), Map.class);
        hubKubernetes = castMap(castMap(hubConfig.get("spawner")).get("kubernetes"));

        Path profileDir = Files.createDirectories(temp.resolve("profiles"));
        Files.writeString(profileDir.resolve("profiles.yaml"), configMapData("nbhub-profiles", "profiles.yaml"));
        profiles = ProfileDirectory.open(profileDir);
        vertx = Vertx.vertx();
        config = KubernetesSpawnerConfig.builder().set(KubernetesSpawnerConfig.NAMESPACE, NAMESPACE)
                .set(KubernetesSpawnerConfig.KUBECONFIG, cluster.adminKubeconfig().toString())
                .set(KubernetesSpawnerConfig.IMAGE, "notebook:cpu")
                .set(KubernetesSpawnerConfig.CMD, ProcessKubelet.STAND_IN_SERVER)
                .set(KubernetesSpawnerConfig.STORAGE_TYPE, "none")
                .set(KubernetesSpawnerConfig.PRIORITY_CLASS_NAME, (String) hubKubernetes.get("priority_class_name"))
                .set(KubernetesSpawnerConfig.PORT, HubProcess.freePort())
                .set(KubernetesSpawnerConfig.TERMINATION_GRACE_PERIOD, Duration.ofSeconds(1)).build();
        spawner = startSpawner(config);
        userScheduler = startUserScheduler();
    }

    /**
     * The packing scheduler's own image cannot run on the process kubelet, so the test runs the control plane's
     * kube-scheduler binary as a process with the KubeSchedulerConfiguration the chart renders (plus the kubeconfig,
     * which in a pod comes from the service account). It runs from the start: the placeholders name it too.
     */
    private static Process startUserScheduler() throws Exception {
        Map<String, Object> schedulerConfig = castMap(YAML.readValue(configMapData("nbhub-user-scheduler",
                "config.yaml"), Map.class));
        String kubeconfig = cluster.adminKubeconfig().toString();
        schedulerConfig.put("clientConnection", Map.of("kubeconfig", kubeconfig));
        Path configFile = temp.resolve("user-scheduler.yaml");
        YAML.writeValue(configFile.toFile(), schedulerConfig);
        return new ProcessBuilder(ControlPlane.binaries().resolve("kube-scheduler").toString(),
                "--config=" + configFile, "--authentication-kubeconfig=" + kubeconfig,
                "--authorization-kubeconfig=" + kubeconfig, "--bind-address=127.0.0.1",
                "--secure-port=" + HubProcess.freePort(), "--v=2")
                .redirectErrorStream(true).redirectOutput(temp.resolve("user-scheduler.log").toFile()).start();
    }

    @AfterAll
    static void stopEverything() {
        try {
            if (spawner != null) {
                spawner.close();
            }
            if (userScheduler != null) {
                userScheduler.destroy();
            }
            if (vertx != null) {
                vertx.close();
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

    @Test
    @Order(1)
    void eachProfilesImagePullerLandsOnlyOnTheNodesItsPodsMayUse() {
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(pullerNodes("cpu")).containsExactlyInAnyOrder("cpu-1", "cpu-2");
            assertThat(pullerNodes("gpu")).containsExactly("gpu-1");
            assertThat(admin.apps().daemonSets().inNamespace(NAMESPACE).list().getItems()).allSatisfy(d ->
                    assertThat(d.getStatus().getNumberReady()).isEqualTo(d.getStatus().getDesiredNumberScheduled()));
        });
        // The GPU pool's puller pulled the GPU image there: the node's kubelet said so about the puller's pod.
        assertThat(admin.v1().events().inNamespace(NAMESPACE).list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("Pulling");
                    assertThat(e.getMessage()).contains("notebook:gpu");
                    assertThat(e.getSource().getHost()).isEqualTo("gpu-1");
                    assertThat(e.getInvolvedObject().getName()).startsWith("nbhub-continuous-image-puller-gpu-");
                });
    }

    @Test
    @Order(2)
    void aGpuServerPreemptsAPlaceholderAndStartsAtOnceOnTheWarmNode() {
        await().atMost(WAIT).untilAsserted(() -> assertThat(placeholders()).hasSize(2).allSatisfy(p -> {
            assertThat(p.getSpec().getNodeName()).isEqualTo("gpu-1");
            assertThat(p.getStatus().getPhase()).isEqualTo("Running");
        }));
        ServerId gina = ServerId.defaultServer("gina");
        List<SpawnProgress> progress = new CopyOnWriteArrayList<>();

        SpawnedServer server = join(spawner.start(request(gina, "gpu"), progress::add));

        Pod pod = admin.pods().inNamespace(NAMESPACE).withName(SafeNames.podName(gina)).get();
        assertThat(pod.getSpec().getNodeName()).isEqualTo("gpu-1");
        assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("nbhub-user-priority");
        assertThat(server.url()).startsWith("http://127.0.3.");
        assertThat(progress).extracting(SpawnProgress::message)
                .anySatisfy(m -> assertThat(m).contains("Preempting a lower-priority pod (a placeholder)")
                        .contains("gpu-1"))
                // The puller had pulled the GPU image on gpu-1 already.
                .noneSatisfy(m -> assertThat(m).startsWith("Pulling image"));
        // The evicted placeholder came back and waits for a node, which is what asks an autoscaler for the next one.
        await().atMost(WAIT).untilAsserted(() -> {
            List<Pod> now = placeholders();
            assertThat(now).hasSize(2);
            assertThat(now).filteredOn(p -> "gpu-1".equals(p.getSpec().getNodeName())).hasSize(1);
            assertThat(now).filteredOn(p -> p.getSpec().getNodeName() == null).singleElement()
                    .satisfies(p -> assertThat(p.getStatus().getConditions()).anySatisfy(c -> {
                        assertThat(c.getType()).isEqualTo("PodScheduled");
                        assertThat(c.getReason()).isEqualTo("Unschedulable");
                    }));
        });
        join(spawner.stop(gina, server.state()));
    }

    @Test
    @Order(3)
    void withoutPlaceholdersAndTheGpuNodeFullASpawnSaysWhatItWaitsForUntilTheNewNodeJoins() {
        // The cold case: no placeholders, and no puller to bring the image to a new node before the user's pod.
        admin.apps().statefulSets().inNamespace(NAMESPACE).withName("nbhub-user-placeholder-gpu").scale(0);
        admin.apps().daemonSets().inNamespace(NAMESPACE).withName("nbhub-continuous-image-puller-gpu").delete();
        await().atMost(WAIT).until(() -> placeholders().isEmpty());
        ServerId ann = ServerId.defaultServer("ann");
        ServerId bob = ServerId.defaultServer("bob");
        SpawnedServer annServer = join(spawner.start(request(ann, "gpu"), p -> { }));
        SpawnedServer bobServer = join(spawner.start(request(bob, "gpu"), p -> { }));
        ServerId cat = ServerId.defaultServer("cat");
        List<SpawnProgress> progress = new CopyOnWriteArrayList<>();

        Future<SpawnedServer> spawn = spawner.start(request(cat, "gpu"), progress::add);

        await().atMost(WAIT).untilAsserted(() -> assertThat(progress).extracting(SpawnProgress::message)
                .anySatisfy(m -> assertThat(m).contains("Waiting for a node with a free nvidia.com/gpu")));
        assertThat(spawn.isComplete()).as("the spawn still waits").isFalse();
        // What cluster-autoscaler posts about a pod it adds a node for.
        Pod waiting = admin.pods().inNamespace(NAMESPACE).withName(SafeNames.podName(cat)).get();
        String now = Instant.now().toString();
        admin.v1().events().inNamespace(NAMESPACE).resource(new EventBuilder().withNewMetadata()
                .withGenerateName(waiting.getMetadata().getName() + ".").endMetadata()
                .withNewInvolvedObject().withKind("Pod").withApiVersion("v1").withNamespace(NAMESPACE)
                .withName(waiting.getMetadata().getName()).withUid(waiting.getMetadata().getUid()).endInvolvedObject()
                .withReason("TriggeredScaleUp").withType("Normal").withCount(1).withFirstTimestamp(now)
                .withLastTimestamp(now).withNewSource().withComponent("cluster-autoscaler").endSource()
                .withMessage("pod triggered scale-up: [{gpu-pool 1->2 (max: 4)}]").build()).create();
        await().atMost(WAIT).untilAsserted(() -> assertThat(progress).extracting(SpawnProgress::message)
                .anySatisfy(m -> assertThat(m).startsWith("Waiting for the autoscaler to add a node")
                        .contains("gpu-pool 1->2")));
        kubelet.addNodeLater(Duration.ofSeconds(3), "gpu-2", Map.of("pool", "gpu"), GPU_NODE, GPU_TAINT);

        SpawnedServer catServer = join(spawn);

        assertThat(admin.pods().inNamespace(NAMESPACE).withName(SafeNames.podName(cat)).get().getSpec().getNodeName())
                .isEqualTo("gpu-2");
        // A new node has no image yet: the spawn said it waited for the pull there.
        assertThat(progress).extracting(SpawnProgress::message)
                .anySatisfy(m -> assertThat(m).isEqualTo("Pulling image notebook:gpu on node gpu-2"));
        join(spawner.stop(ann, annServer.state()));
        join(spawner.stop(bob, bobServer.state()));
        join(spawner.stop(cat, catServer.state()));
        admin.nodes().withName("gpu-2").delete();
    }

    @Test
    @Order(4)
    void thePackingSchedulerPutsTwoServersOnOneNodeWhereTheDefaultSchedulerSpreadsThem() throws Exception {
        ServerId ann = ServerId.defaultServer("ann");
        ServerId bob = ServerId.defaultServer("bob");
        SpawnedServer a = join(spawner.start(request(ann, "cpu"), p -> { }));
        SpawnedServer b = join(spawner.start(request(bob, "cpu"), p -> { }));
        assertThat(Set.of(nodeOf(ann), nodeOf(bob))).as("the default scheduler spreads").hasSize(2);
        join(spawner.stop(ann, a.state()));
        join(spawner.stop(bob, b.state()));
        await().atMost(WAIT).until(() -> admin.pods().inNamespace(NAMESPACE).withLabel("hub.jupyter.org/username")
                .list().getItems().isEmpty());

        String schedulerName = (String) hubKubernetes.get("scheduler_name");
        assertThat(schedulerName).isEqualTo("nbhub-user-scheduler");
        spawner.close();
        spawner = startSpawner(config.toBuilder().set(KubernetesSpawnerConfig.SCHEDULER_NAME, schedulerName).build());
        SpawnedServer packedA = join(spawner.start(request(ann, "cpu"), p -> { }));
        SpawnedServer packedB = join(spawner.start(request(bob, "cpu"), p -> { }));

        assertThat(podOf(ann).getSpec().getSchedulerName()).isEqualTo(schedulerName);
        assertThat(nodeOf(ann)).as("the packing scheduler fills one node first").isEqualTo(nodeOf(bob));
        join(spawner.stop(ann, packedA.state()));
        join(spawner.stop(bob, packedB.state()));
    }

    private static KubernetesSpawner startSpawner(KubernetesSpawnerConfig c) {
        KubernetesSpawner s = KubernetesSpawner.create(vertx, c);
        join(s.open());
        return s;
    }

    private static Set<String> pullerNodes(String pool) {
        return admin.pods().inNamespace(NAMESPACE).withLabel("component", "continuous-image-puller")
                .withLabel("notebook-hub/pool", pool).list().getItems().stream()
                .filter(p -> "Running".equals(p.getStatus().getPhase()))
                .map(p -> p.getSpec().getNodeName()).collect(Collectors.toSet());
    }

    private static List<Pod> placeholders() {
        return admin.pods().inNamespace(NAMESPACE).withLabel("component", "user-placeholder").list().getItems()
                .stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static Pod podOf(ServerId server) {
        return admin.pods().inNamespace(NAMESPACE).withName(SafeNames.podName(server)).get();
    }

    private static String nodeOf(ServerId server) {
        return podOf(server).getSpec().getNodeName();
    }

    private static String configMapData(String name, String key) {
        return rendered.stream().filter(o -> "ConfigMap".equals(o.getKind()) && name.equals(o.getMetadata().getName()))
                .map(o -> ((io.fabric8.kubernetes.api.model.ConfigMap) o).getData().get(key)).findFirst()
                .orElseThrow(() -> new AssertionError("the chart rendered no ConfigMap " + name));
    }

    private static String label(Pod pod, String key) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(CapacityClusterIT.class.getResource("/" + name).toURI());
    }

    private static SpawnRequest request(ServerId server, String slug) {
        ResolvedProfile profile = profiles.resolve(ProfileOverrides.NONE, slug, Map.of());
        String prefix = "/user/" + server.user() + "/";
        return new SpawnRequest(server, Map.of("JUPYTERHUB_SERVICE_PREFIX", prefix, "JUPYTERHUB_USER", server.user(),
                "JUPYTERHUB_API_TOKEN", "unused"), profile, WAIT, Map.of());
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
