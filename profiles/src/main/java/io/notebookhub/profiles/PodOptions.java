package io.notebookhub.profiles;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pod-level options of a spawn that KubeSpawner users know by the same snake_case names (init_containers,
 * extra_containers, lifecycle_hooks, extra_pod_config, ...). Kubernetes objects stay in their JSON shape
 * (camelCase keys), checked by the profile parser; null scalars and empty collections mean "not said here".
 *
 * @param initContainers containers run before the notebook, in order (identity: name)
 * @param extraContainers sidecars beside the notebook container (identity: name)
 * @param lifecycleHooks the notebook container's {@code postStart}/{@code preStop} handlers
 * @param extraPodConfig fields merged into the pod's spec last (see {@link #EXTRA_CONFIG_MERGE})
 * @param extraContainerConfig fields merged into the notebook container last
 * @param imagePullSecrets names of Secrets in the pod's namespace, added to the spawner's own
 * @param priorityClassName the pod's PriorityClass
 * @param schedulerName the scheduler that places the pod
 * @param podAffinity pod affinity terms (required: PodAffinityTerm, preferred: WeightedPodAffinityTerm)
 * @param podAntiAffinity pod anti-affinity terms, same shapes
 * @param fsGroup group that owns mounted volumes (pod security context)
 * @param fsGroupChangePolicy {@code OnRootMismatch} or {@code Always}
 * @param serviceAccount the pod's service account
 * @param automountServiceAccountToken whether the pod sees an API token
 */
public record PodOptions(
        List<Map<String, Object>> initContainers,
        List<Map<String, Object>> extraContainers,
        Map<String, Object> lifecycleHooks,
        Map<String, Object> extraPodConfig,
        Map<String, Object> extraContainerConfig,
        List<String> imagePullSecrets,
        String priorityClassName,
        String schedulerName,
        AffinityTerms podAffinity,
        AffinityTerms podAntiAffinity,
        Long fsGroup,
        String fsGroupChangePolicy,
        String serviceAccount,
        Boolean automountServiceAccountToken) {

    /**
     * How {@code extra_pod_config} and {@code extra_container_config} combine, both between levels (config, profile,
     * option) and with the built manifest: a simple deep merge as KubeSpawner's profile overrides do. Mappings merge
     * key by key, recursively; a list or a scalar replaces what was there; {@code null} removes the key.
     */
    public static final String EXTRA_CONFIG_MERGE = "deep merge: mappings by key, lists and scalars replace, "
            + "null removes";

    public static final PodOptions NONE = new PodOptions(List.of(), List.of(), Map.of(), Map.of(), Map.of(), List.of(),
            null, null, AffinityTerms.NONE, AffinityTerms.NONE, null, null, null, null);

    /**
     * The deep merge of {@link #EXTRA_CONFIG_MERGE}. With {@code dropNulls} (applying to a manifest) a null removes
     * the key; without (combining levels) the null is kept, so that it still removes the key at the end.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> over,
                                                boolean dropNulls) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((k, v) -> {
            if (v == null && dropNulls) {
                out.remove(k);
            } else if (v instanceof Map<?, ?> m && out.get(k) instanceof Map<?, ?> old) {
                out.put(k, deepMerge((Map<String, Object>) old, (Map<String, Object>) m, dropNulls));
            } else {
                out.put(k, v);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** Required and preferred terms of a pod (anti-)affinity, in Kubernetes' JSON shape. */
    public record AffinityTerms(List<Map<String, Object>> required, List<Map<String, Object>> preferred) {
        public static final AffinityTerms NONE = new AffinityTerms(List.of(), List.of());

        public boolean isEmpty() {
            return required.isEmpty() && preferred.isEmpty();
        }
    }
}
