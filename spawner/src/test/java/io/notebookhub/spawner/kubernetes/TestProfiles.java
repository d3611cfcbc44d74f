package io.notebookhub.spawner.kubernetes;

import io.notebookhub.profiles.NodeAffinity;
import io.notebookhub.profiles.ProfileOverrides;
import io.notebookhub.profiles.ProfileOverridesYaml;
import io.notebookhub.profiles.ResolvedProfile;
import io.notebookhub.profiles.Storage;
import io.notebookhub.profiles.Toleration;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Resolved profiles and spawn requests as the hub would hand them over. */
final class TestProfiles {
    private TestProfiles() {}

    /** A plain CPU profile with no image (the config's default applies). */
    static ResolvedProfile small() {
        return new ResolvedProfile("small", "Small", Map.of(), null, "500m", "1", "1G", "2G", Map.of(), List.of(),
                Map.of(), NodeAffinity.NONE, Map.of("PROFILE_VAR", "small"), List.of(), List.of(), Storage.DEFAULTS,
                Duration.ofHours(1), Duration.ofMinutes(5), null);
    }

    /** A profile small enough for a laptop's k3s node, with its own image. */
    static ResolvedProfile tiny(String slug, String image, Map<String, String> extraResourceLimits) {
        return new ResolvedProfile(slug, slug, Map.of(), image, "10m", "200m", "16Mi", "64Mi", extraResourceLimits,
                List.of(), Map.of(), NodeAffinity.NONE, Map.of(), List.of(), List.of(), new Storage("64Mi", null, null, null),
                Duration.ofHours(1), Duration.ofMinutes(5), null);
    }

    /** A GPU profile with everything a GPU profile sets: extended resources, tolerations, placement, volumes. */
    static ResolvedProfile gpu() {
        return new ResolvedProfile("gpu-a100", "GPU (A100)", Map.of("image", "pytorch"),
                "quay.io/jupyter/pytorch-notebook:cuda12-2024-09-02", "4", "8", "16G", "32G",
                Map.of("nvidia.com/gpu", "1"),
                List.of(new Toleration("nvidia.com/gpu", "Exists", null, "NoSchedule", null)),
                Map.of("cloud.google.com/gke-accelerator", "nvidia-tesla-a100"),
                new NodeAffinity(
                        List.of(Map.of("matchExpressions", List.of(Map.of("key", "gpu-type", "operator", "In",
                                "values", List.of("a100"))))),
                        List.of(Map.of("weight", 10, "preference", Map.of("matchExpressions", List.of(
                                Map.of("key", "zone", "operator", "In", "values", List.of("a"))))))),
                Map.of("NVIDIA_DRIVER_CAPABILITIES", "compute,utility"),
                List.of(Map.of("name", "shm", "emptyDir", Map.of("medium", "Memory", "sizeLimit", "1Gi"))),
                List.of(Map.of("name", "shm", "mountPath", "/dev/shm")),
                new Storage("50Gi", "fast-ssd", List.of("ReadWriteOnce"), null),
                Duration.ofMinutes(30), Duration.ofMinutes(10), 1);
    }

    /** A profile written as an admin writes it (profile keys in YAML), resolved with no global defaults. */
    static ResolvedProfile fromYaml(String slug, String yaml) {
        ProfileOverrides o = ProfileOverridesYaml.parse(slug + ".yaml", yaml);
        return new ResolvedProfile(slug, slug, Map.of(), o.image(), o.cpuGuarantee(), o.cpuLimit(),
                o.memoryGuarantee(), o.memoryLimit(), o.extraResourceLimits(), o.tolerations(), o.nodeSelector(),
                o.nodeAffinity(), o.env(), o.volumes(), o.volumeMounts(), o.storage(), o.idleTimeout(),
                o.startTimeout(), null, o.pod());
    }

    /** The environment the hub passes, for the default server or a named one. */
    static Map<String, String> hubEnv(ServerId server) {
        String prefix = "/user/" + server.user() + "/" + (server.isDefault() ? "" : server.serverName() + "/");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JUPYTERHUB_API_TOKEN", "secret-token-" + server.user());
        env.put("JUPYTERHUB_API_URL", "http://hub:8081/hub/api");
        env.put("JUPYTERHUB_CLIENT_ID", "jupyterhub-user-" + server.user());
        env.put("JUPYTERHUB_SERVICE_PREFIX", prefix);
        env.put("JUPYTERHUB_USER", server.user());
        env.put("JUPYTERHUB_SERVER_NAME", server.serverName());
        // A profile must not be able to replace what the hub sets.
        env.put("PROFILE_VAR", "from-hub");
        return env;
    }

    static SpawnRequest request(ServerId server, ResolvedProfile profile, Duration startTimeout) {
        return new SpawnRequest(server, hubEnv(server), profile, startTimeout);
    }
}
