package io.notebookhub.spawner.kubernetes;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.notebookhub.profiles.Storage;
import io.notebookhub.spawner.SpawnFailedException;
import io.notebookhub.spawner.kubernetes.model.HubLabels;
import io.notebookhub.spawner.kubernetes.model.Namespaces;
import io.notebookhub.spawner.kubernetes.model.PvcManifests;
import io.notebookhub.spawner.kubernetes.model.SafeNames;
import io.notebookhub.spawner.kubernetes.ops.ApiCalls;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Finds and makes users' home claims. A claim is a user's only when its annotation names that exact user: a name is
 * derived from a hash, and two users whose names collide must never share a home.
 *
 * <p>The claim is read before it is created: a namespace whose storage quota is full refuses every create with 403
 * (the quota is checked before the name), which would lock out returning users whose claim exists. A claim made
 * under the earlier, shorter-hash naming ({@link SafeNames#legacyPvcName}) is used under that name when it is the
 * user's, so an upgrade keeps everyone's home.
 */
final class HomeClaims {
    private final Kube kube;

    HomeClaims(Kube kube) {
        this.kube = kube;
    }

    /**
     * The name of the user's existing claim, or empty when they have none yet. Fails when the claim of the user's
     * name belongs to someone else.
     */
    Future<Optional<String>> find(String user) {
        String name = SafeNames.pvcName(user);
        String legacy = SafeNames.legacyPvcName(user);
        return get(user, name).compose(claim -> {
            if (claim != null) {
                return owned(claim, user).map(Optional::of);
            }
            if (legacy.equals(name)) {
                return Future.succeededFuture(Optional.<String>empty());
            }
            // Another user's claim under the old name is simply not this user's: they get a claim of their own.
            return get(user, legacy).map(old -> old != null && HubLabels.userOf(old).map(user::equals).orElse(false)
                    ? Optional.of(legacy) : Optional.<String>empty());
        });
    }

    /** The user's claim, created (with the profile's storage) when they have none. */
    Future<String> ensure(String user, Storage storage) {
        return find(user).compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
                : create(user, storage));
    }

    private Future<String> create(String user, Storage storage) {
        PersistentVolumeClaim pvc = PvcManifests.pvc(user, storage, kube.config());
        String name = pvc.getMetadata().getName();
        return kube.api().call("create PVC " + name,
                        () -> kube.client().persistentVolumeClaims().inNamespace(Namespaces.of(user, kube.config()))
                                .resource(pvc).create())
                .map(created -> name)
                .recover(err -> {
                    if (ApiCalls.status(err) == 409) {
                        // Made meanwhile by a spawn of another of this user's servers, or someone else's: look.
                        return find(user).compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
                                : Future.failedFuture(err));
                    }
                    return Future.failedFuture(new SpawnFailedException("Your home volume " + name
                            + " could not be created (" + SpawnFlow.apiReason(err) + ").", err));
                });
    }

    private Future<PersistentVolumeClaim> get(String user, String name) {
        return kube.api().call("get PVC " + name, () -> kube.client().persistentVolumeClaims()
                .inNamespace(Namespaces.of(user, kube.config())).withName(name).get());
    }

    private static Future<String> owned(PersistentVolumeClaim claim, String user) {
        String name = claim.getMetadata().getName();
        Optional<String> owner = HubLabels.userOf(claim);
        if (owner.map(user::equals).orElse(false)) {
            return Future.succeededFuture(name);
        }
        return Future.failedFuture(new SpawnFailedException("The home volume claim " + name + " exists but "
                + owner.map(o -> "belongs to another user (its " + HubLabels.USER + " annotation names them)")
                        .orElse("does not carry the " + HubLabels.USER + " annotation naming you")
                + "; refusing to mount it. An administrator must rename or remove it."));
    }
}
