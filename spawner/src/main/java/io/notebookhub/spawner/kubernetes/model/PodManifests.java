package io.notebookhub.spawner.kubernetes.model;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.notebookhub.profiles.PodOptions;
import io.notebookhub.profiles.ResolvedProfile;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The user's pod as a pure function of (server, resolved profile, JupyterHub's env, config). No client,
 * no I/O: what this returns is exactly what the spawner sends. The profile's pod options are applied last
 * ({@link PodOptionsManifests}).
 */
public final class PodManifests {
    /** The container's name; failure classification and readiness look for it. */
    public static final String CONTAINER = "notebook";
    public static final String HOME_VOLUME = "home";
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private PodManifests() {}

    /**
     * @throws IllegalArgumentException when the profile cannot make a pod (static storage without a claim name)
     */
    public static Pod pod(ServerId server, ResolvedProfile profile, Map<String, String> hubEnv,
                          KubernetesSpawnerConfig config) {
        return pod(server, profile, hubEnv, config, SafeNames.pvcName(server.user()));
    }

    /** With the home claim of that name (a claim made under an earlier release's naming keeps its name). */
    public static Pod pod(ServerId server, ResolvedProfile profile, Map<String, String> hubEnv,
                          KubernetesSpawnerConfig config, String claimName) {
        String image = profile.image() != null && !profile.image().isBlank() ? profile.image() : config.image();
        PodOptions options = profile.pod() != null ? profile.pod() : PodOptions.NONE;
        HomeVolume home = HomeVolume.of(server.user(), profile.storage(), config);
        if (home.isPerUserClaim() && claimName != null) {
            home = new HomeVolume(home.type(), claimName, home.subPath());
        }
        Pod pod = new PodBuilder()
                .withNewMetadata()
                    .withName(SafeNames.podName(server))
                    .withNamespace(Namespaces.of(server.user(), config))
                    .withLabels(HubLabels.pod(server, profile.slug(), config))
                    .withAnnotations(HubLabels.podAnnotations(server, profile.slug(), config))
                .endMetadata()
                .withNewSpec()
                    .withContainers(PodOptionsManifests.applyToNotebook(
                            container(profile, hubEnv, image, home, config), options))
                    .withVolumes(volumes(home, profile))
                    .withRestartPolicy("OnFailure")
                    .withTerminationGracePeriodSeconds(config.terminationGracePeriod().toSeconds())
                    // Service links put one env var per Service into every pod; with many users that is noise.
                    .withEnableServiceLinks(false)
                    .withNodeSelector(profile.nodeSelector().isEmpty() ? null : new TreeMap<>(profile.nodeSelector()))
                    .withTolerations(tolerations(profile))
                    .withAffinity(affinity(profile))
                    .withNewSecurityContext()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(config.uid())
                        .withRunAsGroup(config.gid())
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                    .endSecurityContext()
                .endSpec()
                .build();
        PodOptionsManifests.applyToSpec(pod.getSpec(), options, config);
        pod.setSpec(PodOptionsManifests.applyExtraPodConfig(pod.getSpec(), options));
        return pod;
    }

    /** The URL the server binds, for {@code JUPYTERHUB_SERVICE_URL}: all interfaces, the pod's port, the prefix. */
    public static String serviceUrl(Map<String, String> hubEnv, KubernetesSpawnerConfig config) {
        String prefix = hubEnv.getOrDefault("JUPYTERHUB_SERVICE_PREFIX", "/");
        return "http://0.0.0.0:" + config.port() + (prefix.startsWith("/") ? prefix : "/" + prefix);
    }

    private static String apiPath(Map<String, String> hubEnv) {
        String prefix = hubEnv.getOrDefault("JUPYTERHUB_SERVICE_PREFIX", "/");
        return (prefix.startsWith("/") ? prefix : "/" + prefix) + "api";
    }

    private static Container container(ResolvedProfile profile, Map<String, String> hubEnv, String image,
                                       HomeVolume home, KubernetesSpawnerConfig config) {
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(image)
                .withImagePullPolicy(config.imagePullPolicy())
                .withCommand(config.cmd())
                .addNewPort().withName("notebook-port").withContainerPort(config.port()).withProtocol("TCP").endPort()
                // Ready means "answers on its prefix", not "the process started", so Services and the pod's Ready
                // condition agree with what a user's first request will meet.
                .withNewReadinessProbe()
                    .withNewHttpGet().withPath(apiPath(hubEnv)).withNewPort("notebook-port").endHttpGet()
                    .withPeriodSeconds(2).withTimeoutSeconds(2).withFailureThreshold(3)
                .endReadinessProbe()
                .withEnv(env(profile, hubEnv, image, config))
                .withResources(resources(profile))
                .withVolumeMounts(volumeMounts(profile, home, config))
                .withNewSecurityContext()
                    .withRunAsNonRoot(true)
                    .withRunAsUser(config.uid())
                    .withRunAsGroup(config.gid())
                    .withAllowPrivilegeEscalation(false)
                    .withPrivileged(false)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .build();
    }

    /**
     * Profile env first, then the hub's: an admin's profile must not be able to replace the server's token
     * or URLs. Sorted by name so the manifest is stable.
     */
    static List<EnvVar> env(ResolvedProfile profile, Map<String, String> hubEnv, String image,
                            KubernetesSpawnerConfig config) {
        Map<String, String> env = new TreeMap<>(profile.env());
        putIfSet(env, "CPU_GUARANTEE", profile.cpuGuarantee());
        putIfSet(env, "CPU_LIMIT", profile.cpuLimit());
        putIfSet(env, "MEM_GUARANTEE", profile.memoryGuarantee());
        putIfSet(env, "MEM_LIMIT", profile.memoryLimit());
        env.put("JUPYTER_IMAGE", image);
        env.put("JUPYTER_IMAGE_SPEC", image);
        env.putAll(hubEnv);
        env.put("JUPYTERHUB_SERVICE_URL", serviceUrl(hubEnv, config));
        List<EnvVar> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(new EnvVar(k, v, null)));
        return out;
    }

    private static void putIfSet(Map<String, String> env, String key, String value) {
        if (value != null) {
            env.put(key, value);
        }
    }

    private static io.fabric8.kubernetes.api.model.ResourceRequirements resources(ResolvedProfile profile) {
        Map<String, Quantity> requests = new LinkedHashMap<>();
        Map<String, Quantity> limits = new LinkedHashMap<>();
        putQuantity(requests, "cpu", profile.cpuGuarantee());
        putQuantity(requests, "memory", profile.memoryGuarantee());
        putQuantity(limits, "cpu", profile.cpuLimit());
        putQuantity(limits, "memory", profile.memoryLimit());
        // Extended resources (GPUs) cannot be overcommitted; Kubernetes sets their request equal to the limit.
        new TreeMap<>(profile.extraResourceLimits()).forEach((k, v) -> putQuantity(limits, k, v));
        return new ResourceRequirementsBuilder()
                .withRequests(requests.isEmpty() ? null : requests)
                .withLimits(limits.isEmpty() ? null : limits)
                .build();
    }

    private static void putQuantity(Map<String, Quantity> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, new Quantity(value));
        }
    }

    private static List<VolumeMount> volumeMounts(ResolvedProfile profile, HomeVolume home,
                                                  KubernetesSpawnerConfig config) {
        String path = profile.storage() != null && profile.storage().homeMountPath() != null
                ? profile.storage().homeMountPath() : config.homeMountPath();
        List<VolumeMount> mounts = new ArrayList<>();
        if (home.claimName() != null) {
            mounts.add(new VolumeMountBuilder().withName(HOME_VOLUME).withMountPath(path).withSubPath(home.subPath())
                    .build());
        }
        profile.volumeMounts().forEach(m -> mounts.add(JSON.convertValue(m, VolumeMount.class)));
        return mounts;
    }

    private static List<Volume> volumes(HomeVolume home, ResolvedProfile profile) {
        List<Volume> volumes = new ArrayList<>();
        if (home.claimName() != null) {
            volumes.add(new VolumeBuilder().withName(HOME_VOLUME)
                    .withNewPersistentVolumeClaim().withClaimName(home.claimName()).endPersistentVolumeClaim()
                    .build());
        }
        profile.volumes().forEach(v -> volumes.add(JSON.convertValue(v, Volume.class)));
        return volumes;
    }

    private static List<Toleration> tolerations(ResolvedProfile profile) {
        return profile.tolerations().stream()
                .map(t -> new Toleration(t.effect(), t.key(), t.operator(), t.tolerationSeconds(), t.value()))
                .toList();
    }

    private static Affinity affinity(ResolvedProfile profile) {
        if (profile.nodeAffinity() == null || profile.nodeAffinity().isEmpty()) {
            return null;
        }
        NodeAffinity node = new NodeAffinity();
        if (!profile.nodeAffinity().required().isEmpty()) {
            List<NodeSelectorTerm> terms = profile.nodeAffinity().required().stream()
                    .map(t -> JSON.convertValue(t, NodeSelectorTerm.class)).toList();
            node.setRequiredDuringSchedulingIgnoredDuringExecution(
                    new io.fabric8.kubernetes.api.model.NodeSelector(terms));
        }
        if (!profile.nodeAffinity().preferred().isEmpty()) {
            node.setPreferredDuringSchedulingIgnoredDuringExecution(profile.nodeAffinity().preferred().stream()
                    .map(t -> JSON.convertValue(t, PreferredSchedulingTerm.class)).toList());
        }
        return new AffinityBuilder().withNodeAffinity(node).build();
    }
}
