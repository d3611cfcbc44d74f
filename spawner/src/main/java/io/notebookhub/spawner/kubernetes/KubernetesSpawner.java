package io.notebookhub.spawner.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnFailedException;
import io.notebookhub.spawner.SpawnProgress;
import io.notebookhub.spawner.SpawnRequest;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.Spawner;
import io.notebookhub.spawner.StateValues;
import io.notebookhub.spawner.kubernetes.model.Namespaces;
import io.notebookhub.spawner.kubernetes.model.SafeNames;
import io.notebookhub.spawner.kubernetes.ops.ApiCalls;
import io.notebookhub.spawner.kubernetes.ops.Mdc;
import io.notebookhub.spawner.kubernetes.watch.ClusterWatch;
import io.notebookhub.spawner.kubernetes.watch.PodFailures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each server as a pod with the user's PVC as home (see DESIGN.md in this package). Call
 * {@link #start()} once before anything else and {@link #close()} at shutdown.
 */
public final class KubernetesSpawner implements Spawner {
    private static final Logger log = LoggerFactory.getLogger(KubernetesSpawner.class);

    private final Kube kube;
    private final boolean ownsClient;
    private final Map<String, SpawnFlow> spawning = new ConcurrentHashMap<>();
    private final Map<String, ServerId> running = new ConcurrentHashMap<>();
    private final Map<String, Boolean> stopping = new ConcurrentHashMap<>();
    private final List<BiConsumer<ServerId, String>> exitListeners = new CopyOnWriteArrayList<>();
    private volatile boolean started;
    private final PlaceholderScaler placeholders;

    public KubernetesSpawner(Vertx vertx, KubernetesClient client, KubernetesSpawnerConfig config) {
        this(vertx, client, config, false);
    }

    private KubernetesSpawner(Vertx vertx, KubernetesClient client, KubernetesSpawnerConfig config, boolean owns) {
        ApiCalls api = new ApiCalls(vertx, "notebookhub-kubernetes", config.workerPoolSize(), config.apiRetryTimeout());
        this.kube = new Kube(vertx, client, api, new ClusterWatch(client, config), config,
                new UserNamespaces(vertx, client, api, config));
        this.ownsClient = owns;
        this.placeholders = new PlaceholderScaler(kube, config.placeholderSchedules(), java.time.Clock.systemUTC());
    }

    /**
     * A spawner with its own client: in-cluster credentials when running in a pod, else {@code kubeconfig}
     * (or ~/.kube/config). The client is closed with the spawner.
     */
    public static KubernetesSpawner create(Vertx vertx, KubernetesSpawnerConfig config) {
        Config clientConfig;
        if (config.kubeconfig() != null) {
            try {
                Path path = Path.of(config.kubeconfig());
                clientConfig = Config.fromKubeconfig(config.context(), Files.readString(path), path.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("kubernetes.kubeconfig " + config.kubeconfig() + " cannot be read", e);
            }
        } else {
            clientConfig = Config.autoConfigure(config.context());
        }
        clientConfig.setNamespace(config.namespace());
        // ApiCalls retries with backoff and says so in the log; a second, silent retry loop would multiply waits.
        clientConfig.setRequestRetryBackoffLimit(0);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig).build();
        return new KubernetesSpawner(vertx, client, config, true);
    }

    @Override
    public String id() {
        return "kubernetes";
    }

    /** Starts the pod and event informers; completes when their caches are filled (or fails naming RBAC). */
    @Override
    public Future<Void> open() {
        log.info("Kubernetes spawner configuration: {}", kube.config());
        kube.watch().observePods(this::podChanged);
        return kube.watch().start(kube.vertx()).onSuccess(v -> {
            started = true;
            placeholders.start();
        });
    }

    /** The pod name is derived from the server's name, so it is known before the pod exists. */
    @Override
    public Map<String, Object> intent(ServerId server) {
        return Map.of("pod", SafeNames.podName(server), "namespace", Namespaces.of(server.user(), kube.config()),
                "pvc", SafeNames.pvcName(server.user()));
    }

    @Override
    public Future<SpawnedServer> start(SpawnRequest request, Consumer<SpawnProgress> progress) {
        if (!started) {
            return Future.failedFuture(new IllegalStateException("KubernetesSpawner.open() has not completed"));
        }
        Map<String, String> mdc = Mdc.of(request.server());
        SpawnFlow flow = new SpawnFlow(kube, kube.vertx().getOrCreateContext(), request, progress);
        if (spawning.putIfAbsent(flow.podName(), flow) != null) {
            return Future.failedFuture(new SpawnFailedException("This server is already starting."));
        }
        Mdc.run(mdc, () -> log.info("Starting server with profile {} as pod {}", request.profile().slug(),
                flow.podName()));
        return flow.run()
                .onSuccess(server -> {
                    running.put(flow.podName(), request.server());
                    Mdc.run(mdc, () -> log.info("Server ready at {}", server.url()));
                })
                .onComplete(ar -> spawning.remove(flow.podName(), flow));
    }

    @Override
    public Future<Void> stop(ServerId server, Map<String, Object> state) {
        String podName = Adoption.podName(server, state);
        Map<String, String> mdc = Mdc.of(server);
        running.remove(podName);
        stopping.put(podName, true);
        SpawnFlow flow = spawning.get(podName);
        if (flow != null) {
            flow.cancel("The server was stopped while it was starting.");
        }
        Mdc.run(mdc, () -> log.info("Stopping pod {}", podName));
        String namespace = StateValues.text(state, "namespace").orElseGet(() -> Namespaces.of(server.user(),
                kube.config()));
        return Mdc.with(mdc, () -> kube.deletePodAndWait(namespace, podName, kube.config().terminationGracePeriod()))
                .onSuccess(v -> Mdc.run(mdc, () -> log.info("Pod {} is gone; home volume kept", podName)))
                .onComplete(ar -> stopping.remove(podName));
    }

    @Override
    public Future<Optional<SpawnedServer>> status(ServerId server, Map<String, Object> state) {
        if (!started) {
            return Future.failedFuture(new IllegalStateException("KubernetesSpawner.open() has not completed"));
        }
        String podName = Adoption.podName(server, state);
        Optional<SpawnedServer> found = kube.watch().pod(podName)
                .filter(pod -> !PodFailures.isTerminal(pod) && pod.getStatus() != null
                        && pod.getStatus().getPodIP() != null)
                .map(pod -> new SpawnedServer("http://" + pod.getStatus().getPodIP() + ":" + kube.config().port(),
                        state));
        return Future.succeededFuture(found);
    }

    @Override
    public Future<Map<ServerId, Future<SpawnedServer>>> reconcile(Map<ServerId, Map<String, Object>> known,
                                                                  Duration startTimeout) {
        if (!started) {
            return Future.failedFuture(new IllegalStateException("KubernetesSpawner.open() has not completed"));
        }
        return new Adoption(kube).reconcile(known, startTimeout).onSuccess(adopted -> adopted.forEach(
                (server, ready) -> ready.onSuccess(s -> running.put(Adoption.podName(server, s.state()), server))));
    }

    @Override
    public Optional<String> problem() {
        return started ? kube.watch().problem() : Optional.empty();
    }

    @Override
    public void onUnexpectedExit(BiConsumer<ServerId, String> listener) {
        exitListeners.add(listener);
    }

    /**
     * Deletes the user's home claim when {@code delete_pvc_on_user_delete} is set; only a claim annotated with this
     * exact user, so a name collision never deletes another user's home.
     */
    @Override
    public Future<Void> deleteHome(String user) {
        Map<String, String> mdc = Mdc.of(ServerId.defaultServer(user));
        if (!kube.config().deletePvcOnUserDelete()) {
            Mdc.run(mdc, () -> log.info("Keeping the home volume of deleted user {} "
                    + "(spawner.kubernetes.delete_pvc_on_user_delete is false)", user));
            return Future.succeededFuture();
        }
        return Mdc.with(mdc, () -> new HomeClaims(kube).find(user))
                .recover(err -> {
                    Mdc.run(mdc, () -> log.warn("Not deleting a home volume: {}", err.getMessage()));
                    return Future.succeededFuture(Optional.empty());
                })
                .compose(found -> {
                    if (found.isEmpty()) {
                        return Future.succeededFuture();
                    }
                    String pvc = found.get();
                    Mdc.run(mdc, () -> log.info("Deleting PVC {} of deleted user {}", pvc, user));
                    return Mdc.with(mdc, () -> kube.api().call("delete PVC " + pvc,
                            () -> kube.client().persistentVolumeClaims().inNamespace(Namespaces.of(user, kube.config()))
                                    .withName(pvc).delete())).mapEmpty();
                });
    }

    /** Kubernetes API calls issued so far (retries included); constant per spawn, whatever the user count. */
    public long apiCallCount() {
        return kube.api().calls();
    }

    private void podChanged(String name, Pod pod) {
        ServerId server = running.get(name);
        if (server == null || stopping.containsKey(name)) {
            return;
        }
        String reason;
        if (pod == null) {
            reason = "Your server's pod was deleted outside the hub.";
        } else if (PodFailures.isTerminal(pod)) {
            reason = PodFailures.outOfMemory(pod).orElse("Your server stopped (" + PodFailures.describe(pod) + ").");
        } else {
            Optional<String> failure = PodFailures.classify(pod, List.of(), false);
            if (failure.isEmpty()) {
                return;
            }
            reason = failure.get();
        }
        if (running.remove(name, server)) {
            Mdc.run(Mdc.of(server), () -> log.warn("Server exited without being asked: {}", reason));
            exitListeners.forEach(l -> l.accept(server, reason));
        }
    }

    @Override
    public void close() {
        placeholders.close();
        kube.watch().close();
        kube.api().close();
        if (ownsClient) {
            kube.client().close();
        }
    }

    /** For tests and the hub's health check: the servers this spawner believes are running. */
    Map<String, ServerId> running() {
        return Map.copyOf(running);
    }
}
