package io.notebookhub.spawner.kubernetes;

import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.DELETE_PVC_ON_USER_DELETE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.FAIL_ON_UNSCHEDULABLE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.HUB_INSTANCE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.IMAGE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.INFORMER_SYNC_TIMEOUT;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.NAMESPACE;
import static io.notebookhub.spawner.kubernetes.SpawnerFlows.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnFailedException;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.kubernetes.MockKubelet.Behaviour;
import io.notebookhub.spawner.kubernetes.model.PodManifests;
import io.notebookhub.spawner.kubernetes.model.SafeNames;
import io.notebookhub.spawner.kubernetes.watch.PodFailures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The spawner's flows against fabric8's CRUD mock with {@link MockKubelet}, because these cases need what a real
 * cluster does not do on cue: a pod that fails to pull or keeps crashing, a scheduler that finds no node, a start
 * timeout, leftover pods from a crash at a chosen moment. What the real API server decides (schema, admission,
 * RBAC, token credentials, watches, adoption of 50 pods) is shown against a real control plane by the
 * {@code *OnRealClusterIT} system tests.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesSpawnerTest {
    private static final Duration START = Duration.ofMinutes(2);

    KubernetesMockServer server;
    KubernetesClient client;

    private Vertx vertx;
    private MockKubelet kubelet;
    private KubernetesSpawner spawner;
    private SpawnerFlows flows;
    private final KubernetesSpawnerConfig config = KubernetesSpawnerConfig.builder().set(NAMESPACE, "test")
            .set(IMAGE, "jupyter/base-notebook:test").set(INFORMER_SYNC_TIMEOUT, Duration.ofSeconds(60)).build();

    @BeforeEach
    void startSpawner() {
        vertx = Vertx.vertx();
        kubelet = new MockKubelet(client, "test").start();
        spawner = newSpawner(config);
        flows = flowsOf(spawner);
    }

    private SpawnerFlows flowsOf(KubernetesSpawner s) {
        return new SpawnerFlows(s, client, config,
                server -> "stand-in kubelet: " + kubelet.journal(SafeNames.podName(server)));
    }

    private KubernetesSpawner newSpawner(KubernetesSpawnerConfig c) {
        KubernetesSpawner s = new KubernetesSpawner(vertx, client, c);
        join(s.open());
        return s;
    }

    @AfterEach
    void stop() throws Exception {
        spawner.close();
        kubelet.close();
        join(vertx.close());
    }

    @Test
    void spawnsAGpuServerWithTheObjectsItsProfileAsksFor() {
        ServerId alice = new ServerId("Alice.Smith@example.com", "gpu");

        flows.spawnsReadyServer(alice, TestProfiles.gpu(), START);

        Pod pod = flows.pod(alice);
        SpawnerAssertions.assertGpuPlacement(pod);
        SpawnerAssertions.assertPvc(client.persistentVolumeClaims().inNamespace("test")
                .withName(SafeNames.pvcName(alice.user())).get(), alice.user(), "50Gi", "fast-ssd", config);
    }

    @Test
    void createsTheHomeVolumeOnceAndKeepsItAcrossStops() {
        ServerId bob = ServerId.defaultServer("bob");

        SpawnedServer first = flows.spawnsReadyServer(bob, TestProfiles.small(), START);
        flows.stopsAndKeepsHome(bob, first.state());
        SpawnedServer second = flows.spawnsReadyServer(bob, TestProfiles.small(), START);
        flows.stopsAndKeepsHome(bob, second.state());

        assertThat(client.persistentVolumeClaims().inNamespace("test").list().getItems()).hasSize(1);
    }

    @Test
    void reportsARunningServerUntilItIsStopped() {
        ServerId carol = ServerId.defaultServer("carol");
        SpawnedServer spawned = flows.spawnsReadyServer(carol, TestProfiles.small(), START);

        assertThat(join(spawner.status(carol, spawned.state()))).hasValueSatisfying(
                s -> assertThat(s.url()).isEqualTo(spawned.url()));
        flows.stopsAndKeepsHome(carol, spawned.state());
    }

    @Test
    void failsFastWithTheSchedulersReasonWhenNoNodeFitsAndFailOnUnschedulableIsSet() {
        ServerId dave = ServerId.defaultServer("dave");
        kubelet.behave(SafeNames.podName(dave), Behaviour.UNSCHEDULABLE);
        spawner.close();
        spawner = newSpawner(config.toBuilder().set(FAIL_ON_UNSCHEDULABLE, true).build());
        flows = flowsOf(spawner);

        flows.failsWith(dave, TestProfiles.gpu(), START, "No node can run your server",
                MockKubelet.UNSCHEDULABLE_MESSAGE);
    }

    @Test
    void waitsForANodeByDefaultAndAtTheStartTimeoutNamesWhatNoNodeOffered() {
        ServerId dora = ServerId.defaultServer("dora");
        kubelet.behave(SafeNames.podName(dora), Behaviour.UNSCHEDULABLE);

        flows.failsWith(dora, TestProfiles.gpu(), Duration.ofSeconds(5), "did not start within 5 s",
                "no node offered a free nvidia.com/gpu", MockKubelet.UNSCHEDULABLE_MESSAGE);
    }

    @Test
    void failsWhenTheImageCannotBePulled() {
        ServerId erin = ServerId.defaultServer("erin");
        kubelet.behave(SafeNames.podName(erin), Behaviour.IMAGE_PULL_ERROR);

        flows.failsWith(erin, TestProfiles.small(), START, "jupyter/base-notebook:test", "could not be pulled",
                "ErrImagePull");
    }

    @Test
    void failsWhenTheContainerKeepsCrashing() {
        ServerId frank = ServerId.defaultServer("frank");
        kubelet.behave(SafeNames.podName(frank), Behaviour.CRASH_LOOP);

        flows.failsWith(frank, TestProfiles.small(), START, "keeps crashing", "exit code 1");
    }

    @Test
    void failsAfterTheStartTimeoutSayingWhatItWaitedFor() {
        ServerId grace = ServerId.defaultServer("grace");
        kubelet.behave(SafeNames.podName(grace), Behaviour.NEVER_READY);

        // Long enough for a loaded machine's stand-in kubelet to have reported the container as running.
        flows.failsWith(grace, TestProfiles.small(), Duration.ofSeconds(10), "did not become ready within 10 s",
                "container not ready");
    }

    @Test
    void adoptsAHealthyLeftoverPodOfTheSameServerInsteadOfFailing() {
        ServerId heidi = ServerId.defaultServer("heidi");
        Pod leftover = client.pods().inNamespace("test").resource(PodManifests.pod(heidi, TestProfiles.small(),
                TestProfiles.hubEnv(heidi), config)).create();

        flows.spawnsReadyServer(heidi, TestProfiles.small(), START);

        assertThat(flows.pod(heidi).getMetadata().getUid()).isEqualTo(leftover.getMetadata().getUid());
    }

    @Test
    void replacesALeftoverPodStartedWithAnotherProfile() {
        ServerId ivan = ServerId.defaultServer("ivan");
        Pod leftover = client.pods().inNamespace("test").resource(PodManifests.pod(ivan, TestProfiles.gpu(),
                TestProfiles.hubEnv(ivan), config)).create();

        flows.spawnsReadyServer(ivan, TestProfiles.small(), START);

        assertThat(flows.pod(ivan).getMetadata().getUid()).isNotEqualTo(leftover.getMetadata().getUid());
    }

    @Test
    void refusesASecondSpawnOfAServerThatIsStarting() {
        ServerId judy = ServerId.defaultServer("judy");
        kubelet.behave(SafeNames.podName(judy), Behaviour.NEVER_READY);
        Future<SpawnedServer> first = spawner.start(TestProfiles.request(judy, TestProfiles.small(), START), p -> { });

        Assertions.assertThatThrownBy(() -> join(spawner.start(TestProfiles.request(judy, TestProfiles.small(),
                START), p -> { }))).isInstanceOf(SpawnFailedException.class).hasMessageContaining("already starting");
        join(spawner.stop(judy, Map.of()));
        Assertions.assertThatThrownBy(() -> join(first)).isInstanceOf(SpawnFailedException.class)
                .hasMessageContaining("stopped while it was starting");
        assertThat(flows.pod(judy)).isNull();
    }

    @Test
    void adoptsKnownServersAfterARestartAndDeletesOrphans() {
        ServerId kim = ServerId.defaultServer("kim");
        ServerId leo = new ServerId("Leo", "big");
        ServerId orphan = ServerId.defaultServer("mallory");
        SpawnedServer kimServer = flows.spawnsReadyServer(kim, TestProfiles.small(), START);
        SpawnedServer leoServer = flows.spawnsReadyServer(leo, TestProfiles.gpu(), START);
        flows.spawnsReadyServer(orphan, TestProfiles.small(), START);
        Pod otherHub = client.pods().inNamespace("test").resource(new PodBuilder(PodManifests.pod(orphan,
                TestProfiles.small(), Map.of(), config.toBuilder().set(HUB_INSTANCE, "other-hub").build()))
                .editMetadata().withName("jupyter-other").endMetadata().build()).create();
        spawner.close();

        spawner = newSpawner(config);
        Map<ServerId, SpawnedServer> adopted = SpawnerFlows.adopted(spawner, Map.of(kim, kimServer.state(),
                leo, Map.of()), START);

        assertThat(adopted).containsOnlyKeys(kim, leo);
        assertThat(adopted.get(kim).url()).isEqualTo(kimServer.url());
        assertThat(adopted.get(leo).url()).isEqualTo(leoServer.url());
        assertThat(adopted.get(leo).state()).containsEntry("profile", "gpu-a100");
        await().atMost(SpawnerFlows.WAIT).untilAsserted(() -> assertThat(flows.pod(orphan)).isNull());
        assertThat(client.pods().inNamespace("test").withName(otherHub.getMetadata().getName()).get())
                .as("another hub's pod is not ours to delete").isNotNull();
    }

    @Test
    void aServerRecordedAsStartingWhosePodIsReadyIsAdoptedAfterACrash() {
        ServerId rita = ServerId.defaultServer("rita");
        Map<String, Object> intent = spawner.intent(rita);
        Pod leftover = createLeftoverPod(rita);
        await().atMost(SpawnerFlows.WAIT).until(() -> flows.pod(rita) != null
                && PodFailures.readyUrl(flows.pod(rita), 8888).isPresent());
        spawner.close();

        spawner = newSpawner(config);
        Map<ServerId, SpawnedServer> adopted = SpawnerFlows.adopted(spawner, Map.of(rita, intent), START);

        assertThat(adopted).containsOnlyKeys(rita);
        assertThat(adopted.get(rita).state()).containsEntry("pod", SafeNames.podName(rita));
        assertThat(flows.pod(rita).getMetadata().getUid()).isEqualTo(leftover.getMetadata().getUid());
    }

    @Test
    void aServerRecordedAsStartingWhosePodIsStillStartingIsWaitedForAndAdoptedWhenReady() {
        ServerId sam = ServerId.defaultServer("sam");
        kubelet.behave(SafeNames.podName(sam), Behaviour.NEVER_READY);
        Map<String, Object> intent = spawner.intent(sam);
        Pod leftover = createLeftoverPod(sam);
        await().atMost(SpawnerFlows.WAIT).until(() -> running(flows.pod(sam)));
        spawner.close();

        spawner = newSpawner(config);
        Map<ServerId, Future<SpawnedServer>> found = join(spawner.reconcile(Map.of(sam, intent), START));
        assertThat(found).containsOnlyKeys(sam);
        assertThat(found.get(sam).isComplete()).as("not ready yet, so not adopted yet").isFalse();

        client.pods().inNamespace("test").withName(SafeNames.podName(sam)).editStatus(p -> {
            p.getStatus().getContainerStatuses().get(0).setReady(true);
            p.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                    .forEach(c -> c.setStatus("True"));
            return p;
        });

        SpawnedServer adopted = join(found.get(sam));
        assertThat(adopted.url()).isEqualTo("http://" + flows.pod(sam).getStatus().getPodIP() + ":8888");
        assertThat(flows.pod(sam).getMetadata().getUid()).isEqualTo(leftover.getMetadata().getUid());
    }

    @Test
    void aServerRecordedAsStartingWhosePodNeverBecomesReadyHasItsPodDeleted() {
        ServerId tom = ServerId.defaultServer("tom");
        kubelet.behave(SafeNames.podName(tom), Behaviour.NEVER_READY);
        Map<String, Object> intent = spawner.intent(tom);
        createLeftoverPod(tom);
        await().atMost(SpawnerFlows.WAIT).until(() -> running(flows.pod(tom)));
        spawner.close();

        spawner = newSpawner(config);
        Map<ServerId, Future<SpawnedServer>> found = join(spawner.reconcile(Map.of(tom, intent),
                Duration.ofSeconds(1)));

        Assertions.assertThatThrownBy(() -> join(found.get(tom))).isInstanceOf(SpawnFailedException.class)
                .hasMessageContaining("did not become ready within 1 s");
        assertThat(flows.pod(tom)).isNull();
    }

    @Test
    void aServerRecordedAsStartingWithoutAPodIsNotFound() {
        ServerId uma = ServerId.defaultServer("uma");
        spawner.close();

        spawner = newSpawner(config);

        assertThat(join(spawner.reconcile(Map.of(uma, spawner.intent(uma)), START))).isEmpty();
    }

    private static boolean running(Pod pod) {
        return pod != null && pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
    }

    /** The pod a spawn had created when the hub was killed: the hub recorded its intent, not the pod. */
    private Pod createLeftoverPod(ServerId server) {
        return client.pods().inNamespace("test").resource(PodManifests.pod(server, TestProfiles.small(),
                TestProfiles.hubEnv(server), config)).create();
    }

    @Test
    void tellsTheHubWhenAServerStopsWithoutBeingAsked() {
        ServerId nina = ServerId.defaultServer("nina");
        List<String> exits = new CopyOnWriteArrayList<>();
        spawner.onUnexpectedExit((s, reason) -> exits.add(s + ": " + reason));
        flows.spawnsReadyServer(nina, TestProfiles.small(), START);

        client.pods().inNamespace("test").withName(SafeNames.podName(nina)).delete();

        await().atMost(SpawnerFlows.WAIT).untilAsserted(() -> assertThat(exits)
                .containsExactly("nina: Your server's pod was deleted outside the hub."));
    }

    @Test
    void tellsTheHubWhenARunningServerCrashes() {
        ServerId oscar = ServerId.defaultServer("oscar");
        List<String> exits = new CopyOnWriteArrayList<>();
        spawner.onUnexpectedExit((s, reason) -> exits.add(reason));
        flows.spawnsReadyServer(oscar, TestProfiles.small(), START);

        client.pods().inNamespace("test").withName(SafeNames.podName(oscar)).editStatus(p -> {
            p.getStatus().setPhase("Failed");
            p.getStatus().getContainerStatuses().get(0).setReady(false);
            return p;
        });

        await().atMost(SpawnerFlows.WAIT).untilAsserted(() -> assertThat(exits).singleElement()
                .satisfies(reason -> assertThat(reason).startsWith("Your server stopped (pod phase Failed")));
    }

    @Test
    void deletesTheHomeVolumeOnlyWhenConfiguredTo() {
        ServerId olga = ServerId.defaultServer("olga");
        SpawnedServer spawned = flows.spawnsReadyServer(olga, TestProfiles.small(), START);
        flows.stopsAndKeepsHome(olga, spawned.state());

        join(spawner.deleteHome("olga"));
        assertThat(client.persistentVolumeClaims().inNamespace("test").withName("claim-olga").get()).isNotNull();

        spawner.close();
        spawner = newSpawner(config.toBuilder().set(DELETE_PVC_ON_USER_DELETE, true).build());
        join(spawner.deleteHome("olga"));
        assertThat(client.persistentVolumeClaims().inNamespace("test").withName("claim-olga").get()).isNull();
    }

    @Test
    void spendsAFixedNumberOfApiCallsPerSpawn() {
        flows.spawnsReadyServer(ServerId.defaultServer("p1"), TestProfiles.small(), START);
        long afterOne = spawner.apiCallCount();
        for (int i = 2; i <= 6; i++) {
            flows.spawnsReadyServer(ServerId.defaultServer("p" + i), TestProfiles.small(), START);
        }

        // read PVC (a full storage quota refuses even a create that would conflict) + create PVC + create pod;
        // readiness comes from the informers, never from polling.
        assertThat(afterOne).isEqualTo(3);
        assertThat(spawner.apiCallCount()).isEqualTo(18);
    }
}
