package io.notebookhub.profiles;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one spawn asked for, after global config, the profile and the chosen options were combined
 * (in that order of precedence). Spawners consume only this; it is computed afresh for every spawn.
 *
 * <p>Resource fields are Kubernetes quantities ({@code 500m}, {@code 2Gi}) already validated by the
 * profile parser, or null when not set. Volumes and mounts are Kubernetes objects in their JSON shape.
 * {@code pod} holds the pod-level options ({@link PodOptions}); never null.
 */
public record ResolvedProfile(
        String slug,
        String displayName,
        Map<String, String> choices,
        String image,
        String cpuGuarantee,
        String cpuLimit,
        String memoryGuarantee,
        String memoryLimit,
        Map<String, String> extraResourceLimits,
        List<Toleration> tolerations,
        Map<String, String> nodeSelector,
        NodeAffinity nodeAffinity,
        Map<String, String> env,
        List<Map<String, Object>> volumes,
        List<Map<String, Object>> volumeMounts,
        Storage storage,
        Duration idleTimeout,
        Duration startTimeout,
        Integer maxServers,
        PodOptions pod) {

    /** A resolved profile without pod options. */
    public ResolvedProfile(String slug, String displayName, Map<String, String> choices, String image,
                           String cpuGuarantee, String cpuLimit, String memoryGuarantee, String memoryLimit,
                           Map<String, String> extraResourceLimits, List<Toleration> tolerations,
                           Map<String, String> nodeSelector, NodeAffinity nodeAffinity, Map<String, String> env,
                           List<Map<String, Object>> volumes, List<Map<String, Object>> volumeMounts, Storage storage,
                           Duration idleTimeout, Duration startTimeout, Integer maxServers) {
        this(slug, displayName, choices, image, cpuGuarantee, cpuLimit, memoryGuarantee, memoryLimit,
                extraResourceLimits, tolerations, nodeSelector, nodeAffinity, env, volumes, volumeMounts, storage,
                idleTimeout, startTimeout, maxServers, PodOptions.NONE);
    }

    /** True when the profile asks for any extended resource with "gpu" in its name. */
    public boolean requestsGpu() {
        return extraResourceLimits.keySet().stream().anyMatch(k -> k.contains("gpu"));
    }
}
