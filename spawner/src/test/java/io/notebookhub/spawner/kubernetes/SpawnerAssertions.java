package io.notebookhub.spawner.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.kubernetes.model.HubLabels;
import io.notebookhub.spawner.kubernetes.model.SafeNames;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What every pod and PVC the spawner makes must look like; shared by the unit tests (pure manifests),
 * the mock-API tests and the k3s tests, so the three check one definition.
 */
final class SpawnerAssertions {
    private SpawnerAssertions() {}

    static Container notebook(Pod pod) {
        return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals("notebook")).findFirst()
                .orElseThrow();
    }

    static Map<String, String> env(Pod pod) {
        return notebook(pod).getEnv().stream().collect(Collectors.toMap(EnvVar::getName,
                e -> e.getValue() == null ? "" : e.getValue()));
    }

    static void assertLockedDown(Pod pod, KubernetesSpawnerConfig config) {
        var podContext = pod.getSpec().getSecurityContext();
        assertThat(podContext.getRunAsNonRoot()).isTrue();
        assertThat(podContext.getRunAsUser()).isEqualTo(config.uid());
        assertThat(podContext.getFsGroup()).isEqualTo(config.fsGroup());
        assertThat(podContext.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        var container = notebook(pod).getSecurityContext();
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getPrivileged()).isFalse();
        assertThat(container.getRunAsNonRoot()).isTrue();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(container.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getSpec().getAutomountServiceAccountToken()).isEqualTo(config.automountServiceAccountToken());
        assertThat(pod.getSpec().getTerminationGracePeriodSeconds())
                .isEqualTo(config.terminationGracePeriod().toSeconds());
    }

    static void assertIdentity(Pod pod, ServerId server, String profileSlug, KubernetesSpawnerConfig config) {
        assertThat(pod.getMetadata().getName()).isEqualTo(SafeNames.podName(server)).hasSizeLessThanOrEqualTo(63);
        assertThat(pod.getMetadata().getLabels())
                .containsEntry(HubLabels.USER, SafeNames.safe(server.user()))
                .containsEntry(HubLabels.SERVER, server.isDefault() ? "" : SafeNames.safe(server.serverName()))
                .containsEntry(HubLabels.PROFILE, SafeNames.labelValue(profileSlug))
                .containsEntry(HubLabels.COMPONENT, config.componentLabel())
                .containsEntry(HubLabels.INSTANCE, config.hubInstance());
        assertThat(pod.getMetadata().getAnnotations())
                .containsEntry(HubLabels.USER, server.user())
                .containsEntry(HubLabels.SERVER, server.serverName())
                .containsEntry(HubLabels.PROFILE, profileSlug);
    }

    /** The hub's env reaches the container unchanged, plus the bind URL only the spawner knows. */
    static void assertHubEnv(Pod pod, Map<String, String> hubEnv, KubernetesSpawnerConfig config) {
        Map<String, String> env = env(pod);
        assertThat(env).containsAllEntriesOf(hubEnv);
        assertThat(env).containsEntry("JUPYTERHUB_SERVICE_URL",
                "http://0.0.0.0:" + config.port() + hubEnv.get("JUPYTERHUB_SERVICE_PREFIX"));
        assertThat(notebook(pod).getCommand()).isEqualTo(config.cmd());
        assertThat(notebook(pod).getPorts()).anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(config.port()));
    }

    static void assertHomeMounted(Pod pod, String user, String mountPath) {
        Volume home = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals("home")).findFirst()
                .orElseThrow();
        assertThat(home.getPersistentVolumeClaim().getClaimName()).isEqualTo(SafeNames.pvcName(user));
        assertThat(notebook(pod).getVolumeMounts())
                .anySatisfy(m -> {
                    assertThat(m.getName()).isEqualTo("home");
                    assertThat(m.getMountPath()).isEqualTo(mountPath);
                });
    }

    static void assertPvc(PersistentVolumeClaim pvc, String user, String capacity, String storageClass,
                          KubernetesSpawnerConfig config) {
        assertThat(pvc.getMetadata().getName()).isEqualTo(SafeNames.pvcName(user));
        assertThat(pvc.getMetadata().getLabels()).containsEntry(HubLabels.USER, SafeNames.safe(user))
                .containsEntry(HubLabels.INSTANCE, config.hubInstance());
        assertThat(pvc.getMetadata().getAnnotations()).containsEntry(HubLabels.USER, user);
        assertThat(pvc.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity(capacity));
        assertThat(pvc.getSpec().getStorageClassName()).isEqualTo(storageClass);
    }

    /** The GPU profile's resources and placement, as {@link TestProfiles#gpu()} asks. */
    static void assertGpuPlacement(Pod pod) {
        var resources = notebook(pod).getResources();
        assertThat(resources.getRequests()).containsEntry("cpu", new Quantity("4"))
                .containsEntry("memory", new Quantity("16G"));
        assertThat(resources.getLimits()).containsEntry("cpu", new Quantity("8"))
                .containsEntry("memory", new Quantity("32G")).containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(pod.getSpec().getTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
            assertThat(t.getOperator()).isEqualTo("Exists");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(pod.getSpec().getNodeSelector())
                .containsEntry("cloud.google.com/gke-accelerator", "nvidia-tesla-a100");
        var node = pod.getSpec().getAffinity().getNodeAffinity();
        assertThat(node.getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()).singleElement()
                .satisfies(term -> assertThat(term.getMatchExpressions()).singleElement().satisfies(e -> {
                    assertThat(e.getKey()).isEqualTo("gpu-type");
                    assertThat(e.getValues()).containsExactly("a100");
                }));
        assertThat(node.getPreferredDuringSchedulingIgnoredDuringExecution()).singleElement()
                .satisfies(p -> assertThat(p.getWeight()).isEqualTo(10));
        assertThat(pod.getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("shm");
            assertThat(v.getEmptyDir().getMedium()).isEqualTo("Memory");
        });
        assertThat(notebook(pod).getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/dev/shm"));
        assertThat(notebook(pod).getImage()).isEqualTo("quay.io/jupyter/pytorch-notebook:cuda12-2024-09-02");
    }
}
