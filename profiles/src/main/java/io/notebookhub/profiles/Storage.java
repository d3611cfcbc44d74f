package io.notebookhub.profiles;

import java.util.List;

/**
 * The home volume of a server. Null fields mean "the spawner's configured default".
 *
 * @param capacity Kubernetes quantity such as {@code 10Gi}
 * @param storageClass storage class name; empty string means the cluster default class
 * @param accessModes e.g. {@code [ReadWriteOnce]}
 * @param homeMountPath where the home volume is mounted in the container
 */
public record Storage(String capacity, String storageClass, List<String> accessModes, String homeMountPath) {
    public static final Storage DEFAULTS = new Storage(null, null, null, null);
}
