package io.notebookhub.spawner.kubernetes.model;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.notebookhub.profiles.Storage;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;
import java.util.Map;

/**
 * The user's home volume claim as a pure function of (user, the profile's storage, config). Only a {@code dynamic}
 * home has one ({@link HomeVolume#isPerUserClaim()}); a static claim exists already and {@code none} has none.
 */
public final class PvcManifests {
    private PvcManifests() {}

    /**
     * A profile's storage fields win over the config's. A storage class of {@code ""} (from either) means the
     * cluster's default class, which Kubernetes applies only when the field is absent, so it is left out.
     */
    public static PersistentVolumeClaim pvc(String user, Storage storage, KubernetesSpawnerConfig config) {
        Storage s = storage == null ? Storage.DEFAULTS : storage;
        String capacity = s.capacity() != null ? s.capacity() : config.storageCapacity();
        String storageClass = s.storageClass() != null ? s.storageClass() : config.storageClass();
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                    .withName(SafeNames.pvcName(user))
                    .withNamespace(Namespaces.of(user, config))
                    .withLabels(HubLabels.pvc(user, config))
                    .withAnnotations(HubLabels.annotations(user, null, config))
                .endMetadata()
                .withNewSpec()
                    .withAccessModes(s.accessModes() != null && !s.accessModes().isEmpty()
                            ? s.accessModes() : config.storageAccessModes())
                    .withStorageClassName(storageClass == null || storageClass.isEmpty() ? null : storageClass)
                    .withNewResources().withRequests(Map.of("storage", new Quantity(capacity))).endResources()
                .endSpec()
                .build();
    }
}
