import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.notebookhub.profiles.ProfileDirectory;
import io.notebookhub.profiles.ProfileOverrides;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnRequest;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.kubernetes.KubernetesSpawner;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;
import io.notebookhub.system.HubProcess;
import io.notebookhub.system.chart.Helm;
import io.notebookhub.system.kubernetes.ControlPlane;
import io.notebookhub.system.kubernetes.ProcessKubelet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N users arriving at once on an autoscaled pool, with and without the chart's placeholders and pre-puller, on the
 * tests' real control plane (scheduler, StatefulSet and DaemonSet controllers) and the process kubelet, which delays
 * each image's first pull on a node and each new node's start. A stand-in for cluster-autoscaler adds a node
 * (after the node delay) whenever pods wait for room that the nodes on their way will not give. A spawn's time runs
 * from the spawner's start to the server answering on its prefix (the hub adds the route right after that).
 * Run by bench/capacity/run.sh; not a test.
 */
public class CapacityBench {
    static final String NAMESPACE = "bench-capacity";
    static final Set<String> PAUSE_PODS = Set.of("user-placeholder", "continuous-image-puller");
    /** Four users' servers per node. */
    static final Map<String, String> NODE = Map.of("cpu", "16", "memory", "64Gi");
    static final int PER_NODE = 4;

    record Result(String name, List<Double> seconds, int failed, int nodes, double setupSeconds) {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Duration pull = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 60);
        Duration nodeStart = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 120);
        List<Result> results = new ArrayList<>();
        results.add(run("cold: no placeholders, image not pre-pulled", n, pull, nodeStart, false));
        results.add(run("warm: " + n + " placeholders, image pre-pulled by the continuous puller", n, pull, nodeStart,
                true));
        System.out.println("### Capacity: " + n + " users at once, image pull " + pull.toSeconds() + " s, node start "
                + nodeStart.toSeconds() + " s, " + PER_NODE + " servers per node");
        System.out.println();
        System.out.println("| scenario | p50 s | p90 s | max s | failed | nodes at end | warm-up before users s |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Result r : results) {
            List<Double> s = r.seconds().stream().sorted().toList();
            System.out.printf("| %s | %.1f | %.1f | %.1f | %d | %d | %.0f |%n", r.name(), pct(s, 50), pct(s, 90),
                    s.isEmpty() ? Double.NaN : s.get(s.size() - 1), r.failed(), r.nodes(), r.setupSeconds());
        }
    }

    static Result run(String name, int n, Duration pull, Duration nodeStart, boolean warm) throws Exception {
        Path work = Files.createTempDirectory("bench-capacity");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        System.err.println(name + ": folder " + work);
        Vertx vertx = Vertx.vertx();
        try (ControlPlane cluster = ControlPlane.start(work.resolve("cluster"));
             ProcessKubelet kubelet = new ProcessKubelet(cluster.admin(), work.resolve("kubelet"))
                     .runWithoutProcess(p -> PAUSE_PODS.contains(label(p, "component")))
                     .pullDelay(pull).podNetwork(warm ? "127.0.231." : "127.0.230.")
                     .addNode("pool-1", Map.of("pool", "user"), NODE, List.<Taint>of()).start()) {
            KubernetesClient admin = cluster.admin();
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
                    .build()).create();
            waitUntil(Duration.ofMinutes(2), () -> admin.serviceAccounts().inNamespace(NAMESPACE)
                    .withName("default").get() != null);
            Path values = Files.writeString(work.resolve("values.yaml"), """
                    singleuser:
                      image: {name: notebook, tag: bench}
                    profiles:
                      - slug: user
                        display_name: User
                        default: true
                        cpu: {guarantee: "4"}
                        memory: {guarantee: 8Gi}
                        node_selector: {pool: user}
                    scheduling:
                      userPlaceholder:
                        enabled: true
                        replicas: %d
                    prePuller:
                      continuous:
                        enabled: %s
                    """.formatted(warm ? n : 0, warm));
            Helm.Result helm = Helm.run("template", "nbhub", Helm.chart().toString(), "--namespace", NAMESPACE,
                    "--values", values.toString());
            if (!helm.succeeded()) {
                throw new IllegalStateException(helm.describe());
            }
            List<HasMetadata> objects = admin.load(new ByteArrayInputStream(helm.stdout().getBytes(
                    StandardCharsets.UTF_8))).items();
            String profiles = null;
            for (HasMetadata o : objects) {
                switch (o.getKind()) {
                    case "PriorityClass" -> admin.resource(o).create();
                    case "StatefulSet", "DaemonSet" -> admin.resource(o).inNamespace(NAMESPACE).create();
                    case "ConfigMap" -> {
                        if (o.getMetadata().getName().equals("nbhub-profiles")) {
                            profiles = ((io.fabric8.kubernetes.api.model.ConfigMap) o).getData().get("profiles.yaml");
                        }
                    }
                    default -> { }
                }
            }
            Autoscaler autoscaler = new Autoscaler(admin, kubelet, nodeStart);
            autoscaler.start();
            long setupStart = System.nanoTime();
            if (warm) {
                // The pool warms up before anyone arrives: placeholders bring the nodes, the puller the image.
                waitUntil(Duration.ofMinutes(20), () -> {
                    List<Pod> pods = admin.pods().inNamespace(NAMESPACE).list().getItems();
                    long placeholders = pods.stream().filter(p -> "user-placeholder".equals(label(p, "component"))
                            && "Running".equals(p.getStatus().getPhase())).count();
                    var ds = admin.apps().daemonSets().inNamespace(NAMESPACE).list().getItems();
                    boolean pulled = !ds.isEmpty() && ds.stream().allMatch(d -> d.getStatus() != null
                            && d.getStatus().getNumberReady() != null && d.getStatus().getNumberReady() > 0
                            && d.getStatus().getNumberReady().equals(d.getStatus().getDesiredNumberScheduled()));
                    return placeholders == n && pulled;
                });
            }
            double setup = (System.nanoTime() - setupStart) / 1e9;
            Path profileDir = Files.createDirectories(work.resolve("profiles"));
            Files.writeString(profileDir.resolve("profiles.yaml"), profiles);
            ProfileDirectory directory = ProfileDirectory.open(profileDir);
            KubernetesSpawnerConfig config = KubernetesSpawnerConfig.builder()
                    .set(KubernetesSpawnerConfig.NAMESPACE, NAMESPACE)
                    .set(KubernetesSpawnerConfig.KUBECONFIG, cluster.adminKubeconfig().toString())
                    .set(KubernetesSpawnerConfig.IMAGE, "notebook:bench")
                    .set(KubernetesSpawnerConfig.CMD, ProcessKubelet.STAND_IN_SERVER)
                    .set(KubernetesSpawnerConfig.STORAGE_TYPE, "none")
                    .set(KubernetesSpawnerConfig.PRIORITY_CLASS_NAME, "nbhub-user-priority")
                    .set(KubernetesSpawnerConfig.PORT, HubProcess.freePort())
                    .set(KubernetesSpawnerConfig.TERMINATION_GRACE_PERIOD, Duration.ofSeconds(1))
                    .set(KubernetesSpawnerConfig.WORKER_POOL_SIZE, 8).build();
            KubernetesSpawner spawner = KubernetesSpawner.create(vertx, config);
            spawner.open().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            List<Double> seconds = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicInteger failed = new AtomicInteger();
            List<Future<SpawnedServer>> spawns = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ServerId id = ServerId.defaultServer("user" + i);
                var profile = directory.resolve(ProfileOverrides.NONE, "user", Map.of());
                long t0 = System.nanoTime();
                spawns.add(spawner.start(new SpawnRequest(id, Map.of("JUPYTERHUB_SERVICE_PREFIX",
                                "/user/" + id.user() + "/", "JUPYTERHUB_USER", id.user(), "JUPYTERHUB_API_TOKEN", "x"),
                                profile, Duration.ofMinutes(20), Map.of()), p -> { })
                        .onSuccess(s -> seconds.add((System.nanoTime() - t0) / 1e9))
                        .onFailure(e -> {
                            failed.incrementAndGet();
                            System.err.println(id.user() + " failed: " + e.getMessage());
                        }));
            }
            Future.join(spawns).toCompletionStage().toCompletableFuture().exceptionally(e -> null)
                    .get(25, TimeUnit.MINUTES);
            int nodes = admin.nodes().list().getItems().size();
            autoscaler.close();
            spawner.close();
            return new Result(name, List.copyOf(seconds), failed.get(), nodes, setup);
        } finally {
            vertx.close();
        }
    }

    /**
     * Adds a node, ready after the node start delay, for every {@link #PER_NODE} pods that wait for room beyond what
     * the nodes already on their way will hold: what cluster-autoscaler does for a pool of identical nodes.
     */
    static final class Autoscaler implements AutoCloseable {
        private final KubernetesClient admin;
        private final ProcessKubelet kubelet;
        private final Duration delay;
        private final AtomicInteger requested = new AtomicInteger(1);
        private final java.util.concurrent.ScheduledExecutorService loop =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

        Autoscaler(KubernetesClient admin, ProcessKubelet kubelet, Duration delay) {
            this.admin = admin;
            this.kubelet = kubelet;
            this.delay = delay;
        }

        void start() {
            loop.scheduleWithFixedDelay(this::check, 2, 2, TimeUnit.SECONDS);
        }

        private void check() {
            try {
                long waiting = admin.pods().inNamespace(NAMESPACE).list().getItems().stream()
                        .filter(p -> p.getSpec().getNodeName() == null && p.getStatus() != null
                                && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                                .anyMatch(c -> "Unschedulable".equals(c.getReason())))
                        .count();
                int ready = admin.nodes().list().getItems().size();
                int onTheirWay = requested.get() - ready;
                long more = (waiting + PER_NODE - 1) / PER_NODE - onTheirWay;
                for (long i = 0; i < more; i++) {
                    int number = requested.incrementAndGet();
                    kubelet.addNodeLater(delay, "pool-" + number, Map.of("pool", "user"), NODE, List.of());
                }
            } catch (RuntimeException e) {
                System.err.println("autoscaler: " + e.getMessage());
            }
        }

        @Override
        public void close() {
            loop.shutdownNow();
        }
    }

    static String label(Pod pod, String key) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }

    static void waitUntil(Duration max, java.util.function.BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("not done within " + max);
            }
            Thread.sleep(500);
        }
    }

    static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
