package io.notebookhub.spawner.kubernetes.model;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** The namespace of a user's objects, and with user namespaces on, that namespace as the hub creates it. */
public final class Namespaces {
    private Namespaces() {}

    public static String of(String user, KubernetesSpawnerConfig config) {
        return config.namespaceFor(SafeNames.safe(user));
    }

    /** Labelled like the user's other objects, so an admin can list (and clean up) every user namespace. */
    public static Namespace userNamespace(String user, KubernetesSpawnerConfig config) {
        Map<String, String> labels = new LinkedHashMap<>(config.extraLabels());
        labels.put(HubLabels.NAME, HubLabels.APP);
        labels.put(HubLabels.INSTANCE, config.hubInstance());
        labels.put(HubLabels.COMPONENT, "singleuser-namespace");
        labels.put(HubLabels.MANAGED_BY, HubLabels.APP);
        labels.put(HubLabels.USER, SafeNames.safe(user));
        return new NamespaceBuilder()
                .withNewMetadata()
                    .withName(of(user, config))
                    .withLabels(labels)
                    .withAnnotations(HubLabels.annotations(user, null, config))
                .endMetadata()
                .build();
    }
}
