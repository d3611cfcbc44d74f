package io.notebookhub.profiles;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The overridable part of a spawn, at one level of precedence (global config, a profile, or an option
 * choice). Null scalars and empty collections mean "not said at this level".
 */
public record ProfileOverrides(
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
        PodOptions pod) {

    public static final ProfileOverrides NONE = new ProfileOverrides(null, null, null, null, null, Map.of(), List.of(),
            Map.of(), NodeAffinity.NONE, Map.of(), List.of(), List.of(), Storage.DEFAULTS, null, null, PodOptions.NONE);

    /** Overrides without pod options. */
    public ProfileOverrides(String image, String cpuGuarantee, String cpuLimit, String memoryGuarantee,
                            String memoryLimit, Map<String, String> extraResourceLimits, List<Toleration> tolerations,
                            Map<String, String> nodeSelector, NodeAffinity nodeAffinity, Map<String, String> env,
                            List<Map<String, Object>> volumes, List<Map<String, Object>> volumeMounts, Storage storage,
                            Duration idleTimeout, Duration startTimeout) {
        this(image, cpuGuarantee, cpuLimit, memoryGuarantee, memoryLimit, extraResourceLimits, tolerations,
                nodeSelector, nodeAffinity, env, volumes, volumeMounts, storage, idleTimeout, startTimeout,
                PodOptions.NONE);
    }
}
