package io.notebookhub.spawner.kubernetes;

import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.AUTOMOUNT_SERVICE_ACCOUNT_TOKEN;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.EXTRA_LABELS;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.IMAGE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.IMAGE_PULL_SECRETS;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.NAMESPACE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.SERVICE_ACCOUNT;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.STORAGE_ACCESS_MODES;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.STORAGE_CLASS;
import static io.notebookhub.spawner.kubernetes.SpawnerAssertions.env;
import static io.notebookhub.spawner.kubernetes.SpawnerAssertions.notebook;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.notebookhub.profiles.Storage;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.kubernetes.model.PodManifests;
import io.notebookhub.spawner.kubernetes.model.PvcManifests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestsTest {
    private final KubernetesSpawnerConfig config = KubernetesSpawnerConfig.builder().set(NAMESPACE, "hub")
            .set(IMAGE, "jupyter/base:1").set(IMAGE_PULL_SECRETS, List.of("registry"))
            .set(EXTRA_LABELS, Map.of("team", "data"))
            .build();

    @Test
    void buildsAGpuPodWithTheProfilesResourcesAndPlacement() {
        ServerId server = new ServerId("Alice.Smith@example.com", "gpu");
        Pod pod = PodManifests.pod(server, TestProfiles.gpu(), TestProfiles.hubEnv(server), config);

        SpawnerAssertions.assertGpuPlacement(pod);
        SpawnerAssertions.assertLockedDown(pod, config);
        SpawnerAssertions.assertIdentity(pod, server, "gpu-a100", config);
        SpawnerAssertions.assertHubEnv(pod, TestProfiles.hubEnv(server), config);
        SpawnerAssertions.assertHomeMounted(pod, server.user(), "/home/jovyan");
        assertThat(pod.getMetadata().getNamespace()).isEqualTo("hub");
        assertThat(pod.getMetadata().getLabels()).containsEntry("team", "data");
        assertThat(pod.getSpec().getImagePullSecrets()).extracting("name").containsExactly("registry");
        assertThat(pod.getSpec().getServiceAccountName()).isNull();
        assertThat(env(pod)).containsEntry("NVIDIA_DRIVER_CAPABILITIES", "compute,utility")
                .containsEntry("JUPYTER_IMAGE", "quay.io/jupyter/pytorch-notebook:cuda12-2024-09-02")
                .containsEntry("CPU_LIMIT", "8").containsEntry("MEM_GUARANTEE", "16G");
    }

    @Test
    void usesTheConfiguredImageWhenTheProfileNamesNone() {
        ServerId server = ServerId.defaultServer("bob");
        Pod pod = PodManifests.pod(server, TestProfiles.small(), TestProfiles.hubEnv(server), config);

        assertThat(notebook(pod).getImage()).isEqualTo("jupyter/base:1");
        assertThat(notebook(pod).getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(notebook(pod).getResources().getLimits()).containsOnlyKeys("cpu", "memory");
        assertThat(pod.getSpec().getTolerations()).isEmpty();
        assertThat(pod.getSpec().getAffinity()).isNull();
        assertThat(pod.getSpec().getNodeSelector()).isNullOrEmpty();
    }

    @Test
    void letsTheHubsEnvironmentWinOverTheProfiles() {
        ServerId server = ServerId.defaultServer("bob");
        Pod pod = PodManifests.pod(server, TestProfiles.small(), TestProfiles.hubEnv(server), config);

        assertThat(env(pod)).containsEntry("PROFILE_VAR", "from-hub")
                .containsEntry("JUPYTERHUB_SERVICE_URL", "http://0.0.0.0:8888/user/bob/");
    }

    @Test
    void isReadyOnlyWhenTheServerAnswersOnItsPrefix() {
        ServerId server = ServerId.defaultServer("bob");
        Pod pod = PodManifests.pod(server, TestProfiles.small(), TestProfiles.hubEnv(server), config);

        var probe = pod.getSpec().getContainers().get(0).getReadinessProbe();
        assertThat(probe.getHttpGet().getPath())
                .isEqualTo(TestProfiles.hubEnv(server).get("JUPYTERHUB_SERVICE_PREFIX") + "api");
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("notebook-port");
    }

    @Test
    void mountsServiceAccountTokenOnlyWhenConfigured() {
        KubernetesSpawnerConfig withToken = config.toBuilder().set(SERVICE_ACCOUNT, "notebook")
                .set(AUTOMOUNT_SERVICE_ACCOUNT_TOKEN, true).build();
        Pod pod = PodManifests.pod(ServerId.defaultServer("bob"), TestProfiles.small(), Map.of(), withToken);

        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("notebook");
        assertThat(pod.getSpec().getAutomountServiceAccountToken()).isTrue();
    }

    @Test
    void buildsTheHomeClaimFromProfileStorageOverConfig() {
        PersistentVolumeClaim gpu = PvcManifests.pvc("Alice", TestProfiles.gpu().storage(), config);
        SpawnerAssertions.assertPvc(gpu, "Alice", "50Gi", "fast-ssd", config);
        assertThat(gpu.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");

        PersistentVolumeClaim plain = PvcManifests.pvc("bob", Storage.DEFAULTS,
                config.toBuilder().set(STORAGE_CLASS, "standard")
                        .set(STORAGE_ACCESS_MODES, List.of("ReadWriteMany")).build());
        SpawnerAssertions.assertPvc(plain, "bob", "10Gi", "standard", config);
        assertThat(plain.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
    }

    @Test
    void leavesStorageClassOutForTheClusterDefault() {
        PersistentVolumeClaim pvc = PvcManifests.pvc("bob", new Storage("1Gi", "", null, null),
                config.toBuilder().set(STORAGE_CLASS, "standard").build());

        assertThat(pvc.getSpec().getStorageClassName()).isNull();
        assertThat(pvc.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
    }
}
