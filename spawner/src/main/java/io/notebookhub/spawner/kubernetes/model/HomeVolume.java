package io.notebookhub.spawner.kubernetes.model;

import io.notebookhub.profiles.Storage;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;

/**
 * Where a user's home comes from, the profile's storage over the config's: a claim of their own ({@code dynamic}),
 * their folder in one shared existing claim ({@code static}, e.g. an NFS share) or nothing ({@code none}: the
 * image's own home folder, lost with the pod), as Zero to JupyterHub's {@code singleuser.storage.type}.
 *
 * @param claimName the claim mounted as home, or null with {@code none}
 * @param subPath the folder inside it, or null for the whole claim
 */
public record HomeVolume(String type, String claimName, String subPath) {
    public static final String DYNAMIC = "dynamic";
    public static final String STATIC = "static";
    public static final String NONE = "none";

    public static HomeVolume of(String user, Storage profileStorage, KubernetesSpawnerConfig config) {
        Storage s = profileStorage == null ? Storage.DEFAULTS : profileStorage;
        String type = s.type() != null ? s.type() : config.storageType();
        return switch (type) {
            case DYNAMIC -> new HomeVolume(type, SafeNames.pvcName(user), null);
            case STATIC -> {
                String claim = s.staticPvcName() != null ? s.staticPvcName() : config.staticPvcName();
                if (claim == null) {
                    throw new IllegalArgumentException("storage type static needs the existing claim's name: set "
                            + "storage.static.pvc_name in the profile or spawner.kubernetes.storage.static.pvc_name");
                }
                String template = s.staticSubPath() != null ? s.staticSubPath() : config.staticSubPath();
                String sub = template.replace("{username}", SafeNames.safe(user));
                yield new HomeVolume(type, claim, sub.isEmpty() ? null : sub);
            }
            default -> new HomeVolume(NONE, null, null);
        };
    }

    /** Only a dynamic home is a claim the spawner creates (and may delete with the user). */
    public boolean isPerUserClaim() {
        return DYNAMIC.equals(type);
    }
}
