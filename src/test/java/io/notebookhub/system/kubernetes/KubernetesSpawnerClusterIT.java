package io.notebookhub.system.kubernetes;

import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.CMD;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.DELETE_PVC_ON_USER_DELETE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.IMAGE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.KUBECONFIG;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.PORT;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.TERMINATION_GRACE_PERIOD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.notebookhub.profiles.ProfileDirectory;
import io.notebookhub.profiles.ProfileOverrides;
import io.notebookhub.profiles.ResolvedProfile;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnFailedException;
import io.notebookhub.spawner.SpawnProgress;
import io.notebookhub.spawner.SpawnRequest;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.kubernetes.KubernetesSpawner;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;
import io.notebookhub.spawner.kubernetes.model.SafeNames;
import io.notebookhub.system.HubProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes spawner, driven directly with admin credentials, against the real control plane (API server with
 * its admission plugins, scheduler, PV and quota controllers) and {@link ProcessKubelet} as the nodes. It starts with
 * one CPU node only; the GPU test adds the GPU node, as a cluster autoscaler would.
 */
class KubernetesSpawnerClusterIT {
    private static final String NAMESPACE = "spawner-it";
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final String PROFILES = """
            - slug: cpu
              display_name: CPU
              default: true
              memory:
                limit: 1Gi
            - slug: gpu
              display_name: GPU
              extra_resource_limits:
                nvidia.com/gpu: 1
              tolerations:
                - key: nvidia.com/gpu
                  operator: Exists
                  effect: NoSchedule
            - slug: no-such-class
              display_name: Storage class that does not exist
              storage:
                storage_class: no-such-class
            """;

    @TempDir
    static Path temp;
    private static ControlPlane cluster;
    private static ProcessKubelet kubelet;
    private static KubernetesClient admin;
    private static Vertx vertx;
    private static ProfileDirectory profiles;
    private static KubernetesSpawnerConfig config;
    private static KubernetesSpawner spawner;
    private static final List<String> exits = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startTheClusterAndTheSpawner() throws Exception {
        // Pods run as uid 1000, which must be able to reach its home folder under this root-owned folder.
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        cluster = ControlPlane.start(temp.resolve("cluster"));
        admin = cluster.admin();
        kubelet = new ProcessKubelet(admin, temp.resolve("kubelet"))
                .addNode("cpu-1", Map.of("pool", "cpu"), Map.of("cpu", "64", "memory", "256Gi"), List.of())
                .start();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
                .build()).create();
        await().atMost(WAIT).until(() -> admin.serviceAccounts().inNamespace(NAMESPACE).withName("default").get() != null);

        Path profileDir = Files.createDirectories(temp.resolve("profiles"));
        Files.writeString(profileDir.resolve("profiles.yaml"), PROFILES);
        profiles = ProfileDirectory.open(profileDir);
        vertx = Vertx.vertx();
        config = KubernetesSpawnerConfig.builder().set(KubernetesSpawnerConfig.NAMESPACE, NAMESPACE)
                .set(KUBECONFIG, cluster.adminKubeconfig().toString())
                .set(IMAGE, "notebook:test").set(CMD, ProcessKubelet.STAND_IN_SERVER)
                // Other cluster tests on this machine run pods on the same loopback addresses at port 8888.
                .set(PORT, HubProcess.freePort())
                .set(TERMINATION_GRACE_PERIOD, Duration.ofSeconds(1)).build();
        spawner = newSpawner(config);
    }

    private static KubernetesSpawner newSpawner(KubernetesSpawnerConfig c) {
        KubernetesSpawner s = KubernetesSpawner.create(vertx, c);
        s.onUnexpectedExit((server, reason) -> exits.add(server.user() + ": " + reason));
        join(s.open());
        return s;
    }

    @AfterAll
    static void stopEverything() {
        try {
            if (spawner != null) {
                spawner.close();
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
    void aGpuServerWaitsForTheNodeTheClusterAddsAndStartsOnIt() {
        ServerId gina = ServerId.defaultServer("gina");
        List<SpawnProgress> progress = new CopyOnWriteArrayList<>();
        Future<SpawnedServer> spawn = spawner.start(request(gina, "gpu", Duration.ofMinutes(3)), progress::add);

        await().atMost(WAIT).untilAsserted(() -> assertThat(progress).extracting(SpawnProgress::message)
                .anySatisfy(m -> assertThat(m).contains("Waiting for a node with a free nvidia.com/gpu")
                        .contains("the cluster may be adding one")));
        assertThat(spawn.isComplete()).as("the spawn still waits").isFalse();

        kubelet.addNode("gpu-1", Map.of("pool", "gpu"), Map.of("cpu", "8", "memory", "64Gi", "nvidia.com/gpu", "1"),
                List.of(new TaintBuilder().withKey("nvidia.com/gpu").withEffect("NoSchedule").build()));

        SpawnedServer server = join(spawn);
        assertThat(server.url()).startsWith("http://127.0.1.");
        assertThat(admin.pods().inNamespace(NAMESPACE).withName(SafeNames.podName(gina)).get().getSpec().getNodeName())
                .isEqualTo("gpu-1");
        join(spawner.stop(gina, server.state()));
    }

    @Test
    void aReturningUserStartsWhileTheStorageQuotaIsFull() {
        ServerId quinn = ServerId.defaultServer("quinn");
        SpawnedServer first = join(spawner.start(request(quinn, "cpu", WAIT), p -> { }));
        join(spawner.stop(quinn, first.state()));
        long claims = admin.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems().size();
        ResourceQuota quota = admin.resourceQuotas().inNamespace(NAMESPACE).resource(new ResourceQuotaBuilder()
                .withNewMetadata().withName("claims-full").endMetadata().withNewSpec()
                .withHard(Map.of("persistentvolumeclaims", new Quantity(Long.toString(claims)))).endSpec().build())
                .create();
        try {
            await().atMost(WAIT).until(() -> {
                ResourceQuota q = admin.resourceQuotas().inNamespace(NAMESPACE).withName("claims-full").get();
                return q.getStatus() != null && q.getStatus().getUsed() != null
                        && q.getStatus().getUsed().containsKey("persistentvolumeclaims");
            });
            // The quota is real: a new user's claim is refused, naming it.
            assertThatThrownBy(() -> join(spawner.start(request(ServerId.defaultServer("newcomer"), "cpu", WAIT),
                    p -> { }))).hasMessageContaining("exceeded quota").hasMessageContaining("claims-full");

            SpawnedServer again = join(spawner.start(request(quinn, "cpu", WAIT), p -> { }));
            join(spawner.stop(quinn, again.state()));
        } finally {
            admin.resource(quota).delete();
        }
    }

    @Test
    void usersWhoseShortHashesCollideNeverShareAHome() {
        ServerId owner = ServerId.defaultServer("christopher.robinson35413@example.org");
        ServerId other = ServerId.defaultServer("christopher.robinson131890@example.org");
        // The claim an earlier release made for the owner, under the 32-bit-hash name both users map to.
        String legacy = SafeNames.legacyPvcName(owner.user());
        assertThat(legacy).isEqualTo(SafeNames.legacyPvcName(other.user()));
        admin.persistentVolumeClaims().inNamespace(NAMESPACE).resource(claim(legacy, owner.user())).create();

        SpawnedServer ownersServer = join(spawner.start(request(owner, "cpu", WAIT), p -> { }));
        assertThat(claimOfPod(owner)).as("the owner keeps the home made before the upgrade").isEqualTo(legacy);
        SpawnedServer othersServer = join(spawner.start(request(other, "cpu", WAIT), p -> { }));
        assertThat(claimOfPod(other)).as("the other user gets a home of their own").isNotEqualTo(legacy)
                .isEqualTo(SafeNames.pvcName(other.user()));
        join(spawner.stop(owner, ownersServer.state()));
        join(spawner.stop(other, othersServer.state()));

        // A claim under a user's own name that is annotated with someone else is refused, not mounted.
        ServerId victim = ServerId.defaultServer("Victim.User@example.org");
        admin.persistentVolumeClaims().inNamespace(NAMESPACE)
                .resource(claim(SafeNames.pvcName(victim.user()), "someone.else@example.org")).create();
        assertThatThrownBy(() -> join(spawner.start(request(victim, "cpu", WAIT), p -> { })))
                .isInstanceOf(SpawnFailedException.class)
                .hasMessageContaining("belongs to another user").hasMessageContaining("refusing to mount it");
        assertThat(admin.pods().inNamespace(NAMESPACE).withName(SafeNames.podName(victim)).get()).isNull();

        // Likewise a pod of the server's name that is another's is neither adopted, replaced nor removed.
        ServerId walt = ServerId.defaultServer("Walt@example.org");
        admin.pods().inNamespace(NAMESPACE).resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                .withName(SafeNames.podName(walt)).withAnnotations(Map.of("hub.jupyter.org/username", "not-walt"))
                .endMetadata().withNewSpec().addNewContainer().withName("notebook").withImage("other:1").endContainer()
                .endSpec().build()).create();
        assertThatThrownBy(() -> join(spawner.start(request(walt, "cpu", WAIT), p -> { })))
                .isInstanceOf(SpawnFailedException.class).hasMessageContaining("is not this server's");
        assertThat(admin.pods().inNamespace(NAMESPACE).withName(SafeNames.podName(walt)).get().getMetadata()
                .getDeletionTimestamp()).isNull();
    }

    @Test
    void deletingAUserDeletesTheirClaimOnlyWhenConfiguredTo() {
        ServerId keep = ServerId.defaultServer("kept-home");
        ServerId drop = ServerId.defaultServer("dropped-home");
        for (ServerId user : List.of(keep, drop)) {
            SpawnedServer s = join(spawner.start(request(user, "cpu", WAIT), p -> { }));
            join(spawner.stop(user, s.state()));
        }

        join(spawner.deleteHome(keep.user()));
        assertThat(claim(SafeNames.pvcName(keep.user()))).as("kept by default").isNotNull();

        KubernetesSpawner deleting = newSpawner(config.toBuilder().set(DELETE_PVC_ON_USER_DELETE, true).build());
        try {
            join(deleting.deleteHome(drop.user()));
        } finally {
            deleting.close();
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(claim(SafeNames.pvcName(drop.user()))).isNull());
        assertThat(claim(SafeNames.pvcName(keep.user()))).isNotNull();
    }

    /**
     * The hub acts on {@code delete_pvc_on_user_delete} where users are deleted: the REST API (which the admin page
     * calls) and the culler's {@code cull_users}. Admins are not culled, so the REST-deleted user is an admin.
     */
    @Test
    void theHubDeletesTheHomeOfAUserDeletedThroughTheApiOrByTheCuller() throws Exception {
        String byApi = "deleted.by@api";
        String byCuller = "culled-user";
        for (String user : List.of(byApi, byCuller)) {
            admin.persistentVolumeClaims().inNamespace(NAMESPACE).resource(claim(SafeNames.pvcName(user), user))
                    .create();
        }
        try (HubProcess hub = new HubProcess(temp.resolve("hub-data"), List.of())) {
            hub.env.put("NBHUB_HUB_IP", "127.0.0.1");
            hub.env.put("NBHUB_SPAWNER_TYPE", "kubernetes");
            hub.env.put("NBHUB_SPAWNER_KUBERNETES_NAMESPACE", NAMESPACE);
            hub.env.put("NBHUB_SPAWNER_KUBERNETES_KUBECONFIG", cluster.adminKubeconfig().toString());
            hub.env.put("NBHUB_SPAWNER_KUBERNETES_DELETE_PVC_ON_USER_DELETE", "true");
            hub.env.put("NBHUB_CULLER_ENABLED", "true");
            hub.env.put("NBHUB_CULLER_CULL_USERS", "true");
            hub.env.put("NBHUB_CULLER_TIMEOUT", "3");
            hub.env.put("NBHUB_CULLER_EVERY", "1");
            hub.start();
            assertThat(hub.call("POST", "/hub/api/users", "{\"usernames\": [\"" + byApi + "\"], \"admin\": true}",
                    HubProcess.ADMIN_TOKEN).statusCode()).isEqualTo(201);
            assertThat(hub.call("POST", "/hub/api/users/" + byCuller, null, HubProcess.ADMIN_TOKEN).statusCode())
                    .isEqualTo(201);

            assertThat(hub.call("DELETE", "/hub/api/users/" + byApi, null, HubProcess.ADMIN_TOKEN).statusCode())
                    .isEqualTo(204);
            assertThat(claim(SafeNames.pvcName(byApi))).as("deleted with the user, before the API answered")
                    .satisfiesAnyOf(c -> assertThat(c).isNull(),
                            c -> assertThat(c.getMetadata().getDeletionTimestamp()).isNotNull());
            await().atMost(WAIT).untilAsserted(() -> assertThat(claim(SafeNames.pvcName(byCuller))).isNull());
            assertThat(hub.call("GET", "/hub/api/users/" + byCuller, null, HubProcess.ADMIN_TOKEN).statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void theClaimsEventsAreReportedWhileTheServerWaitsForIt() {
        ServerId pat = ServerId.defaultServer("pat");
        List<SpawnProgress> progress = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() -> join(spawner.start(request(pat, "no-such-class", Duration.ofSeconds(20)),
                progress::add))).isInstanceOf(SpawnFailedException.class);
        assertThat(progress).extracting(SpawnProgress::message).anySatisfy(m -> assertThat(m)
                .startsWith("Home volume: ProvisioningFailed").contains("no-such-class"));
    }

    @Test
    void aServerKilledForItsMemoryIsToldSoWithItsLimit() {
        ServerId oona = ServerId.defaultServer("oona");
        SpawnedServer server = join(spawner.start(request(oona, "cpu", WAIT), p -> { }));

        kubelet.oomKill(NAMESPACE, SafeNames.podName(oona));

        await().atMost(WAIT).untilAsserted(() -> assertThat(exits)
                .contains("oona: Your server ran out of memory (limit 1Gi) and was stopped."));
        join(spawner.stop(oona, server.state()));

        ServerId omar = ServerId.defaultServer("omar");
        kubelet.fail(SafeNames.podName(omar), ProcessKubelet.Failure.OOM_KILLED);
        assertThatThrownBy(() -> join(spawner.start(request(omar, "cpu", WAIT), p -> { })))
                .hasMessage("Your server ran out of memory (limit 1Gi) while starting and was stopped.");
    }

    private static SpawnRequest request(ServerId server, String slug, Duration startTimeout) {
        ResolvedProfile profile = profiles.resolve(ProfileOverrides.NONE, slug, Map.of());
        String prefix = "/user/" + server.user() + "/";
        return new SpawnRequest(server, Map.of("JUPYTERHUB_SERVICE_PREFIX", prefix, "JUPYTERHUB_USER", server.user(),
                "JUPYTERHUB_API_TOKEN", "unused"), profile, startTimeout, Map.of());
    }

    private static PersistentVolumeClaim claim(String name, String user) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name)
                .withAnnotations(Map.of("hub.jupyter.org/username", user)).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                .withRequests(Map.of("storage", new Quantity("1Gi"))).endResources().endSpec().build();
    }

    private static PersistentVolumeClaim claim(String name) {
        return admin.persistentVolumeClaims().inNamespace(NAMESPACE).withName(name).get();
    }

    private static String claimOfPod(ServerId server) {
        return admin.pods().inNamespace(NAMESPACE).withName(SafeNames.podName(server)).get().getSpec().getVolumes()
                .stream().filter(v -> v.getPersistentVolumeClaim() != null).findFirst().orElseThrow()
                .getPersistentVolumeClaim().getClaimName();
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
