package io.notebookhub.spawner.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.notebookhub.profiles.ResolvedProfile;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnFailedException;
import io.notebookhub.spawner.SpawnProgress;
import io.notebookhub.spawner.SpawnRequest;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.kubernetes.model.SafeNames;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The spawn, stop and failure flows with their assertions, run against the mock API server (with the
 * mock kubelet) and against k3s (with a real kubelet), so both check the same behaviour.
 */
final class SpawnerFlows {
    static final Duration WAIT = Duration.ofMinutes(3);

    private final KubernetesSpawner spawner;
    private final KubernetesClient client;
    private final KubernetesSpawnerConfig config;
    private final Function<ServerId, String> diagnosis;

    SpawnerFlows(KubernetesSpawner spawner, KubernetesClient client, KubernetesSpawnerConfig config) {
        this(spawner, client, config, server -> "");
    }

    /** With {@code diagnosis}: what the test's stand-ins know of a server, told when its spawn fails. */
    SpawnerFlows(KubernetesSpawner spawner, KubernetesClient client, KubernetesSpawnerConfig config,
                 Function<ServerId, String> diagnosis) {
        this.spawner = spawner;
        this.client = client;
        this.config = config;
        this.diagnosis = diagnosis;
    }

    static <T> T join(Future<T> future) {
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

    /** Reconciles and waits for every server found to be ready (failed ones are left out). */
    static Map<ServerId, SpawnedServer> adopted(KubernetesSpawner spawner, Map<ServerId, Map<String, Object>> known,
                                                Duration startTimeout) {
        Map<ServerId, SpawnedServer> ready = new java.util.HashMap<>();
        join(spawner.reconcile(known, startTimeout)).forEach((id, server) -> {
            try {
                ready.put(id, join(server));
            } catch (SpawnFailedException e) {
                // not adopted
            }
        });
        return ready;
    }

    Pod pod(ServerId server) {
        return client.pods().inNamespace(config.namespace()).withName(SafeNames.podName(server)).get();
    }

    /** Spawns, and checks the server, its state, its pod and PVC, and the progress the user saw. */
    SpawnedServer spawnsReadyServer(ServerId server, ResolvedProfile profile, Duration startTimeout) {
        List<SpawnProgress> progress = new CopyOnWriteArrayList<>();
        SpawnRequest request = TestProfiles.request(server, profile, startTimeout);
        SpawnedServer spawned;
        try {
            spawned = join(spawner.start(request, progress::add));
        } catch (SpawnFailedException e) {
            Pod pod = pod(server);
            throw new AssertionError(e.getMessage() + " | the API server has the pod "
                    + (pod == null ? "missing" : "with status " + pod.getStatus()) + " | "
                    + diagnosis.apply(server), e);
        }

        assertThat(spawned.url()).matches("http://[0-9.]+:" + config.port());
        assertThat(spawned.state()).containsEntry("profile", profile.slug())
                .containsEntry("pod", SafeNames.podName(server)).containsEntry("namespace", config.namespace())
                .containsEntry("pvc", SafeNames.pvcName(server.user()));
        Pod pod = pod(server);
        SpawnerAssertions.assertIdentity(pod, server, profile.slug(), config);
        SpawnerAssertions.assertLockedDown(pod, config);
        SpawnerAssertions.assertHubEnv(pod, request.env(), config);
        SpawnerAssertions.assertHomeMounted(pod, server.user(), config.homeMountPath());
        assertThat(spawned.url()).isEqualTo("http://" + pod.getStatus().getPodIP() + ":" + config.port());
        assertThat(client.persistentVolumeClaims().inNamespace(config.namespace())
                .withName(SafeNames.pvcName(server.user())).get()).isNotNull();
        await().atMost(WAIT).untilAsserted(() -> assertThat(progress).extracting(SpawnProgress::message)
                .startsWith("Server requested")
                .anySatisfy(m -> assertThat(m).startsWith("Pod " + SafeNames.podName(server)))
                .anySatisfy(m -> assertThat(m).startsWith("Scheduled: "))
                .anySatisfy(m -> assertThat(m).startsWith("Started: ")));
        assertThat(progress).extracting(SpawnProgress::progress).isSorted().allMatch(p -> p >= 0 && p < 100);
        return spawned;
    }

    /** Stops; the pod is gone when the future completes, the home volume stays. */
    void stopsAndKeepsHome(ServerId server, Map<String, Object> state) {
        join(spawner.stop(server, state));

        assertThat(pod(server)).isNull();
        assertThat(client.persistentVolumeClaims().inNamespace(config.namespace())
                .withName(SafeNames.pvcName(server.user())).get()).isNotNull();
        assertThat(join(spawner.status(server, state))).isEmpty();
    }

    /** The spawn ends with a reason containing {@code reason}, and the pod it made is gone. */
    void failsWith(ServerId server, ResolvedProfile profile, Duration startTimeout, String... reason) {
        assertThatThrownBy(() -> join(spawner.start(TestProfiles.request(server, profile, startTimeout), p -> { })))
                .isInstanceOf(SpawnFailedException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(reason));
        assertThat(pod(server)).isNull();
        assertThat(client.persistentVolumeClaims().inNamespace(config.namespace())
                .withName(SafeNames.pvcName(server.user())).get()).as("home volume is kept").isNotNull();
    }
}
