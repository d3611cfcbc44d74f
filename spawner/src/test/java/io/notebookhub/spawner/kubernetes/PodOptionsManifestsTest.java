package io.notebookhub.spawner.kubernetes;

import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.IMAGE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.IMAGE_PULL_SECRETS;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.NAMESPACE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.SERVICE_ACCOUNT;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.STATIC_PVC_NAME;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.STORAGE_TYPE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.USER_NAMESPACES;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.USER_NAMESPACE_TEMPLATE;
import static io.notebookhub.spawner.kubernetes.SpawnerAssertions.notebook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.notebookhub.profiles.ResolvedProfile;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.kubernetes.model.HomeVolume;
import io.notebookhub.spawner.kubernetes.model.Namespaces;
import io.notebookhub.spawner.kubernetes.model.PodManifests;
import io.notebookhub.spawner.kubernetes.model.PvcManifests;
import io.notebookhub.spawner.kubernetes.model.SafeNames;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each pod option of a profile, written in YAML as an admin would, shows up in the pod the spawner sends. */
class PodOptionsManifestsTest {
    private final KubernetesSpawnerConfig config = KubernetesSpawnerConfig.builder().set(NAMESPACE, "hub")
            .set(IMAGE, "jupyter/base:1").set(IMAGE_PULL_SECRETS, List.of("registry")).build();
    private final ServerId alice = ServerId.defaultServer("alice");

    private Pod pod(String yaml) {
        return pod(yaml, config);
    }

    private Pod pod(String yaml, KubernetesSpawnerConfig c) {
        return PodManifests.pod(alice, TestProfiles.fromYaml("p", yaml), TestProfiles.hubEnv(alice), c);
    }

    @Test
    void runsInitContainersBeforeTheNotebookInTheirOrder() {
        Pod pod = pod("""
                init_containers:
                  - {name: fetch, image: busybox:1.36, command: [sh, -c, "echo one"]}
                  - {name: chown, image: busybox:1.36, securityContext: {runAsUser: 0}}
                """);

        assertThat(pod.getSpec().getInitContainers()).extracting(Container::getName).containsExactly("fetch", "chown");
        assertThat(pod.getSpec().getInitContainers().get(0).getCommand()).containsExactly("sh", "-c", "echo one");
        assertThat(pod.getSpec().getInitContainers().get(1).getSecurityContext().getRunAsUser()).isZero();
    }

    @Test
    void addsSidecarsAfterTheNotebookContainer() {
        Pod pod = pod("extra_containers: [{name: sidecar, image: busybox:1.36, args: [sleep, infinity]}]");

        assertThat(pod.getSpec().getContainers()).extracting(Container::getName)
                .containsExactly(PodManifests.CONTAINER, "sidecar");
        assertThat(pod.getSpec().getContainers().get(1).getArgs()).containsExactly("sleep", "infinity");
    }

    @Test
    void putsLifecycleHooksOnTheNotebookContainer() {
        Pod pod = pod("""
                lifecycle_hooks:
                  postStart: {exec: {command: [sh, -c, "cp -rn /opt/skel/. ~"]}}
                  preStop: {sleep: {seconds: 2}}
                """);

        assertThat(notebook(pod).getLifecycle().getPostStart().getExec().getCommand())
                .containsExactly("sh", "-c", "cp -rn /opt/skel/. ~");
        assertThat(notebook(pod).getLifecycle().getPreStop().getSleep().getSeconds()).isEqualTo(2L);
    }

    @Test
    void deepMergesExtraContainerConfigIntoTheNotebookKeepingWhatItDoesNotName() {
        Pod pod = pod("""
                extra_container_config:
                  workingDir: /home/jovyan/work
                  envFrom: [{configMapRef: {name: team-settings}}]
                  securityContext: {readOnlyRootFilesystem: true}
                """);

        Container nb = notebook(pod);
        assertThat(nb.getWorkingDir()).isEqualTo("/home/jovyan/work");
        assertThat(nb.getEnvFrom()).singleElement().satisfies(e ->
                assertThat(e.getConfigMapRef().getName()).isEqualTo("team-settings"));
        assertThat(nb.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(nb.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(nb.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(nb.getReadinessProbe()).isNotNull();
    }

    @Test
    void deepMergesExtraPodConfigLastAndLetsNullRemoveAField() {
        Pod pod = pod("""
                extra_pod_config:
                  dnsPolicy: None
                  dnsConfig: {nameservers: [10.0.0.10]}
                  securityContext: {supplementalGroups: [300]}
                  enableServiceLinks: null
                  restartPolicy: Never
                """);

        assertThat(pod.getSpec().getDnsPolicy()).isEqualTo("None");
        assertThat(pod.getSpec().getDnsConfig().getNameservers()).containsExactly("10.0.0.10");
        assertThat(pod.getSpec().getSecurityContext().getSupplementalGroups()).containsExactly(300L);
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getEnableServiceLinks()).isNull();
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("notebook");
    }

    @Test
    void addsTheProfilesPullSecretsToTheConfigs() {
        Pod pod = pod("image_pull_secrets: [team-registry, registry]");

        assertThat(pod.getSpec().getImagePullSecrets()).extracting("name").containsExactly("registry", "team-registry");
    }

    @Test
    void setsPriorityClassAndScheduler() {
        Pod pod = pod("{priority_class_name: notebooks-high, scheduler_name: bin-packing}");

        assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("notebooks-high");
        assertThat(pod.getSpec().getSchedulerName()).isEqualTo("bin-packing");
    }

    @Test
    void takesTheConfigsPriorityClassAndSchedulerUnlessTheProfileNamesItsOwn() {
        KubernetesSpawnerConfig withCapacity = config.toBuilder()
                .set(KubernetesSpawnerConfig.PRIORITY_CLASS_NAME, "nbhub-user-priority")
                .set(KubernetesSpawnerConfig.SCHEDULER_NAME, "nbhub-user-scheduler").build();

        Pod plain = pod("{}", withCapacity);
        Pod own = pod("{priority_class_name: notebooks-high, scheduler_name: bin-packing}", withCapacity);

        assertThat(plain.getSpec().getPriorityClassName()).isEqualTo("nbhub-user-priority");
        assertThat(plain.getSpec().getSchedulerName()).isEqualTo("nbhub-user-scheduler");
        assertThat(own.getSpec().getPriorityClassName()).isEqualTo("notebooks-high");
        assertThat(own.getSpec().getSchedulerName()).isEqualTo("bin-packing");
        assertThat(pod("{}").getSpec().getPriorityClassName()).isNull();
    }

    @Test
    void refusesAPriorityClassThatIsNoObjectNameNamingTheKey() {
        assertThatThrownBy(() -> config.toBuilder()
                .set(KubernetesSpawnerConfig.PRIORITY_CLASS_NAME, "Not A Name").build())
                .hasMessageContaining("kubernetes.priority_class_name");
    }

    @Test
    void setsPodAffinityAndAntiAffinityBesideNodeAffinity() {
        Pod pod = pod("""
                node_affinity:
                  required: [{matchExpressions: [{key: pool, operator: In, values: [users]}]}]
                pod_affinity:
                  preferred:
                    - weight: 50
                      podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {team: a}}}
                pod_anti_affinity:
                  required: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {hog: "true"}}}]
                """);

        var affinity = pod.getSpec().getAffinity();
        assertThat(affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()).hasSize(1);
        assertThat(affinity.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                .singleElement().satisfies(t -> {
                    assertThat(t.getWeight()).isEqualTo(50);
                    assertThat(t.getPodAffinityTerm().getLabelSelector().getMatchLabels()).containsEntry("team", "a");
                });
        assertThat(affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                .singleElement().satisfies(t -> assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
    }

    @Test
    void setsFsGroupAndItsChangePolicyOverTheConfigs() {
        Pod plain = pod("{}");
        Pod pod = pod("{fs_group: 2000, fs_group_change_policy: OnRootMismatch}");

        assertThat(plain.getSpec().getSecurityContext().getFsGroup()).isEqualTo(100L);
        assertThat(plain.getSpec().getSecurityContext().getFsGroupChangePolicy()).isNull();
        assertThat(pod.getSpec().getSecurityContext().getFsGroup()).isEqualTo(2000L);
        assertThat(pod.getSpec().getSecurityContext().getFsGroupChangePolicy()).isEqualTo("OnRootMismatch");
    }

    @Test
    void setsServiceAccountAndTokenPerProfileOverTheConfigs() {
        KubernetesSpawnerConfig withAccount = config.toBuilder().set(SERVICE_ACCOUNT, "notebook").build();

        Pod plain = pod("{}", withAccount);
        Pod pod = pod("{service_account: spark-driver, automount_service_account_token: true}", withAccount);

        assertThat(plain.getSpec().getServiceAccountName()).isEqualTo("notebook");
        assertThat(plain.getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("spark-driver");
        assertThat(pod.getSpec().getAutomountServiceAccountToken()).isTrue();
    }

    @Test
    void mountsTheUsersFolderOfAStaticClaimAndMakesNoClaimOfTheirOwn() {
        ResolvedProfile p = TestProfiles.fromYaml("p", "storage: {type: static, static: {pvc_name: home-nfs, "
                + "sub_path: \"home/{username}\"}}");
        ServerId odd = ServerId.defaultServer("Alice.Smith@example.com");

        Pod pod = PodManifests.pod(odd, p, TestProfiles.hubEnv(odd), config);

        Volume home = pod.getSpec().getVolumes().get(0);
        assertThat(home.getName()).isEqualTo(PodManifests.HOME_VOLUME);
        assertThat(home.getPersistentVolumeClaim().getClaimName()).isEqualTo("home-nfs");
        VolumeMount mount = notebook(pod).getVolumeMounts().get(0);
        assertThat(mount.getMountPath()).isEqualTo("/home/jovyan");
        assertThat(mount.getSubPath()).isEqualTo("home/" + SafeNames.safe(odd.user()))
                .matches("home/alice-s---[0-9a-f]{16}");
        assertThat(HomeVolume.of(odd.user(), p.storage(), config).isPerUserClaim()).isFalse();
    }

    @Test
    void takesTheStaticClaimFromTheConfigWithItsDefaultSubPath() {
        KubernetesSpawnerConfig shared = config.toBuilder().set(STORAGE_TYPE, "static")
                .set(STATIC_PVC_NAME, "home-nfs").build();

        Pod pod = pod("{}", shared);

        assertThat(pod.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName()).isEqualTo("home-nfs");
        assertThat(notebook(pod).getVolumeMounts().get(0).getSubPath()).isEqualTo("alice");
    }

    @Test
    void refusesStaticStorageWithoutAClaimName() {
        assertThatThrownBy(() -> pod("storage: {type: static}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("storage.static.pvc_name");
    }

    @Test
    void mountsNoHomeVolumeWithStorageNone() {
        Pod pod = pod("storage: {type: none}");

        assertThat(pod.getSpec().getVolumes()).isEmpty();
        assertThat(notebook(pod).getVolumeMounts()).isEmpty();
    }

    @Test
    void putsPodAndClaimInTheUsersOwnNamespaceWhenEnabled() {
        KubernetesSpawnerConfig perUser = config.toBuilder().set(USER_NAMESPACES, true).build();

        Pod pod = pod("{}", perUser);
        PersistentVolumeClaim pvc = PvcManifests.pvc("alice", null, perUser);
        Namespace ns = Namespaces.userNamespace("alice", perUser);

        assertThat(pod.getMetadata().getNamespace()).isEqualTo("hub-alice");
        assertThat(pvc.getMetadata().getNamespace()).isEqualTo("hub-alice");
        assertThat(ns.getMetadata().getName()).isEqualTo("hub-alice");
        assertThat(ns.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "notebook-hub")
                .containsEntry("hub.jupyter.org/username", "alice");
        assertThat(pod("{}").getMetadata().getNamespace()).isEqualTo("hub");
    }

    @Test
    void refusesANamespaceTemplateThatCanExceedALabel() {
        assertThatThrownBy(() -> config.toBuilder().set(USER_NAMESPACES, true)
                .set(USER_NAMESPACE_TEMPLATE, "notebooks-of-the-statistics-department-{username}").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kubernetes.user_namespaces.template");
        assertThatThrownBy(() -> config.toBuilder().set(STORAGE_TYPE, "nfs").build())
                .hasMessageContaining("kubernetes.storage.type must be one of");
    }
}
