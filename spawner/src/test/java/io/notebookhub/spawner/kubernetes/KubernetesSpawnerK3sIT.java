package io.notebookhub.spawner.kubernetes;

import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.CMD;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.IMAGE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.INFORMER_SYNC_TIMEOUT;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.NAMESPACE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.TERMINATION_GRACE_PERIOD;
import static io.notebookhub.spawner.kubernetes.SpawnerFlows.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnedServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same flows as {@link KubernetesSpawnerTest}, against a real API server, scheduler and kubelet (k3s
 * in Docker). Skipped where there is no Docker. Real pods run busybox as the "server" (container ready as
 * soon as it runs), so no notebook image has to be pulled.
 */
@Testcontainers(disabledWithoutDocker = true)
class KubernetesSpawnerK3sIT {
    private static final String BUSYBOX = "busybox:1.36";
    private static final Duration START = Duration.ofMinutes(3);

    @Container
    static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.30.4-k3s1"));

    private static Vertx vertx;
    private static KubernetesClient client;
    private static KubernetesSpawner spawner;
    private static SpawnerFlows flows;
    private static final KubernetesSpawnerConfig CONFIG = KubernetesSpawnerConfig.builder().set(NAMESPACE, "hub-it")
            .set(IMAGE, BUSYBOX).set(CMD, List.of("sleep", "3600")).set(TERMINATION_GRACE_PERIOD, Duration.ofSeconds(2))
            .set(INFORMER_SYNC_TIMEOUT, Duration.ofMinutes(2)).build();

    @BeforeAll
    static void startSpawner() {
        vertx = Vertx.vertx();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("hub-it").endMetadata()
                .build()).create();
        spawner = new KubernetesSpawner(vertx, client, CONFIG);
        join(spawner.open());
        flows = new SpawnerFlows(spawner, client, CONFIG);
    }

    @AfterAll
    static void stopSpawner() {
        if (spawner != null) {
            spawner.close();
        }
        if (client != null) {
            client.close();
        }
        if (vertx != null) {
            join(vertx.close());
        }
    }

    @Test
    void spawnsARealPodWithItsHomeVolumeAndStopsItKeepingTheVolume() {
        ServerId alice = new ServerId("Alice.Smith@example.com", "work");

        SpawnedServer spawned = flows.spawnsReadyServer(alice, TestProfiles.tiny("tiny", BUSYBOX, Map.of()), START);
        flows.stopsAndKeepsHome(alice, spawned.state());
    }

    @Test
    void failsPlainlyWhenNoNodeHasTheGpuTheProfileAsksFor() {
        // Only the GPU is missing on a k3s node; a node selector would fail the scheduler's earlier filter first.
        flows.failsWith(ServerId.defaultServer("gpu-user"),
                TestProfiles.tiny("gpu", BUSYBOX, Map.of("nvidia.com/gpu", "1")), START,
                "No node can run your server", "Insufficient nvidia.com/gpu");
    }

    @Test
    void failsPlainlyWhenTheImageCannotBePulled() {
        flows.failsWith(ServerId.defaultServer("pull-user"),
                TestProfiles.tiny("broken", "registry.invalid/nope:1", Map.of()), START, "registry.invalid/nope:1",
                "could not be pulled");
    }

    @Test
    void adoptsARunningPodAfterARestart() {
        ServerId bob = ServerId.defaultServer("bob");
        SpawnedServer spawned = flows.spawnsReadyServer(bob, TestProfiles.tiny("tiny", BUSYBOX, Map.of()), START);
        spawner.close();
        spawner = new KubernetesSpawner(vertx, client, CONFIG);
        join(spawner.open());
        flows = new SpawnerFlows(spawner, client, CONFIG);

        Map<ServerId, SpawnedServer> adopted = SpawnerFlows.adopted(spawner, Map.of(bob, spawned.state()),
                Duration.ofMinutes(2));

        assertThat(adopted).containsOnlyKeys(bob);
        assertThat(adopted.get(bob).url()).isEqualTo(spawned.url());
        flows.stopsAndKeepsHome(bob, spawned.state());
    }
}
