package io.notebookhub.spawner.kubernetes.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The labels and annotations that tie Kubernetes objects to the hub. Labels carry safe names (for
 * selectors); annotations carry the exact hub names, which is what adoption after a restart reads.
 */
public final class HubLabels {
    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String USER = "hub.jupyter.org/username";
    public static final String SERVER = "hub.jupyter.org/servername";
    public static final String PROFILE = "notebookhub.io/profile";
    public static final String APP = "notebook-hub";
    public static final String STORAGE_COMPONENT = "singleuser-storage";

    private HubLabels() {}

    /** The selector of the pod informer: this hub's user pods and nothing else. */
    public static Map<String, String> podSelector(KubernetesSpawnerConfig config) {
        return Map.of(NAME, APP, INSTANCE, config.hubInstance(), COMPONENT, config.componentLabel());
    }

    static Map<String, String> pod(ServerId server, String profileSlug, KubernetesSpawnerConfig config) {
        Map<String, String> labels = new LinkedHashMap<>(config.extraLabels());
        labels.putAll(podSelector(config));
        labels.put(MANAGED_BY, APP);
        labels.put(USER, SafeNames.safe(server.user()));
        labels.put(SERVER, server.isDefault() ? "" : SafeNames.safe(server.serverName()));
        labels.put(PROFILE, SafeNames.labelValue(profileSlug));
        return labels;
    }

    static Map<String, String> pvc(String user, KubernetesSpawnerConfig config) {
        Map<String, String> labels = new LinkedHashMap<>(config.extraLabels());
        labels.put(NAME, APP);
        labels.put(INSTANCE, config.hubInstance());
        labels.put(COMPONENT, STORAGE_COMPONENT);
        labels.put(MANAGED_BY, APP);
        labels.put(USER, SafeNames.safe(user));
        return labels;
    }

    static Map<String, String> annotations(String user, String serverName, KubernetesSpawnerConfig config) {
        Map<String, String> annotations = new LinkedHashMap<>(config.extraAnnotations());
        annotations.put(USER, user);
        if (serverName != null) {
            annotations.put(SERVER, serverName);
        }
        return annotations;
    }

    static Map<String, String> podAnnotations(ServerId server, String profileSlug, KubernetesSpawnerConfig config) {
        Map<String, String> annotations = annotations(server.user(), server.serverName(), config);
        annotations.put(PROFILE, profileSlug == null ? "" : profileSlug);
        return annotations;
    }

    /** The exact profile slug a pod was started with (labels hold only a safe form). */
    public static String profileOf(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? "" : annotations.getOrDefault(PROFILE, "");
    }

    /** The exact user an object belongs to, from its annotation; empty for objects without it. */
    public static Optional<String> userOf(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? Optional.empty() : Optional.ofNullable(annotations.get(USER));
    }

    /** The server an object belongs to, from its exact-name annotations; empty for objects without them. */
    public static Optional<ServerId> serverOf(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        if (annotations == null || annotations.get(USER) == null) {
            return Optional.empty();
        }
        return Optional.of(new ServerId(annotations.get(USER), annotations.getOrDefault(SERVER, "")));
    }
}
