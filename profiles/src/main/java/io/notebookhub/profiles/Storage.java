package io.notebookhub.profiles;

import java.util.List;

/**
 * The home volume of a server. Null fields mean "the spawner's configured default".
 *
 * @param capacity Kubernetes quantity such as {@code 10Gi}
 * @param storageClass storage class name; empty string means the cluster default class
 * @param accessModes e.g. {@code [ReadWriteOnce]}
 * @param homeMountPath where the home volume is mounted in the container
 * @param type {@code dynamic} (a claim per user), {@code static} (one existing claim, a folder per user) or
 *             {@code none} (no home volume), as Zero to JupyterHub's {@code singleuser.storage.type}
 * @param staticPvcName with {@code static}: the existing claim (e.g. bound to an NFS share)
 * @param staticSubPath with {@code static}: the user's folder inside it, a template such as {@code home/{username}}
 */
public record Storage(String capacity, String storageClass, List<String> accessModes, String homeMountPath,
                      String type, String staticPvcName, String staticSubPath) {
    public static final List<String> TYPES = List.of("dynamic", "static", "none");
    public static final Storage DEFAULTS = new Storage(null, null, null, null, null, null, null);

    public Storage(String capacity, String storageClass, List<String> accessModes, String homeMountPath) {
        this(capacity, storageClass, accessModes, homeMountPath, null, null, null);
    }
}
