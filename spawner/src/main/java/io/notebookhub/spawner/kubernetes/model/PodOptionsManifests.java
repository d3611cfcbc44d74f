package io.notebookhub.spawner.kubernetes.model;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinity;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.notebookhub.profiles.PodOptions;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a profile's {@link PodOptions} to the pod {@link PodManifests} built, in KubeSpawner's order: the named
 * options first, then {@code extra_container_config} into the notebook container and {@code extra_pod_config} into
 * the spec, each as a deep merge ({@link PodOptions#EXTRA_CONFIG_MERGE}), so the extra config has the last word.
 */
final class PodOptionsManifests {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private PodOptionsManifests() {}

    /** The spec-level fields a profile may set over the config's. */
    static void applyToSpec(PodSpec spec, PodOptions o, KubernetesSpawnerConfig config) {
        spec.setServiceAccountName(o.serviceAccount() != null ? o.serviceAccount() : config.serviceAccount());
        spec.setAutomountServiceAccountToken(o.automountServiceAccountToken() != null
                ? o.automountServiceAccountToken() : config.automountServiceAccountToken());
        Set<String> secrets = new LinkedHashSet<>(config.imagePullSecrets());
        secrets.addAll(o.imagePullSecrets());
        spec.setImagePullSecrets(secrets.stream().map(LocalObjectReference::new).toList());
        spec.setPriorityClassName(o.priorityClassName() != null ? o.priorityClassName() : config.priorityClassName());
        spec.setSchedulerName(o.schedulerName() != null ? o.schedulerName() : config.schedulerName());
        spec.getSecurityContext().setFsGroup(o.fsGroup() != null ? o.fsGroup() : config.fsGroup());
        spec.getSecurityContext().setFsGroupChangePolicy(o.fsGroupChangePolicy());
        spec.setAffinity(affinity(spec.getAffinity(), o));
        spec.setInitContainers(containers(o.initContainers()));
        List<Container> all = new ArrayList<>(spec.getContainers());
        all.addAll(containers(o.extraContainers()));
        spec.setContainers(all);
    }

    static Container applyToNotebook(Container notebook, PodOptions o) {
        if (!o.lifecycleHooks().isEmpty()) {
            notebook.setLifecycle(JSON.convertValue(o.lifecycleHooks(), Lifecycle.class));
        }
        if (o.extraContainerConfig().isEmpty()) {
            return notebook;
        }
        return merged(notebook, o.extraContainerConfig(), Container.class);
    }

    static PodSpec applyExtraPodConfig(PodSpec spec, PodOptions o) {
        return o.extraPodConfig().isEmpty() ? spec : merged(spec, o.extraPodConfig(), PodSpec.class);
    }

    @SuppressWarnings("unchecked")
    private static <T> T merged(T built, Map<String, Object> extra, Class<T> type) {
        Map<String, Object> asMap = JSON.convertValue(built, Map.class);
        return JSON.convertValue(PodOptions.deepMerge(asMap, extra, true), type);
    }

    private static List<Container> containers(List<Map<String, Object>> items) {
        return items.stream().map(c -> JSON.convertValue(c, Container.class)).toList();
    }

    private static Affinity affinity(Affinity node, PodOptions o) {
        if (o.podAffinity().isEmpty() && o.podAntiAffinity().isEmpty()) {
            return node;
        }
        Affinity out = node != null ? node : new Affinity();
        if (!o.podAffinity().isEmpty()) {
            PodAffinity pod = new PodAffinity();
            pod.setRequiredDuringSchedulingIgnoredDuringExecution(terms(o.podAffinity().required(),
                    PodAffinityTerm.class));
            pod.setPreferredDuringSchedulingIgnoredDuringExecution(terms(o.podAffinity().preferred(),
                    WeightedPodAffinityTerm.class));
            out.setPodAffinity(pod);
        }
        if (!o.podAntiAffinity().isEmpty()) {
            PodAntiAffinity anti = new PodAntiAffinity();
            anti.setRequiredDuringSchedulingIgnoredDuringExecution(terms(o.podAntiAffinity().required(),
                    PodAffinityTerm.class));
            anti.setPreferredDuringSchedulingIgnoredDuringExecution(terms(o.podAntiAffinity().preferred(),
                    WeightedPodAffinityTerm.class));
            out.setPodAntiAffinity(anti);
        }
        return out;
    }

    private static <T> List<T> terms(List<Map<String, Object>> items, Class<T> type) {
        return items.isEmpty() ? null : items.stream().map(t -> JSON.convertValue(t, type)).toList();
    }
}
