package io.notebookhub.system.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dynamic provisioner for the test cluster's default StorageClass: each claim that names it gets a
 * {@code hostPath} PersistentVolume in a folder of its own, which the real PV controller then binds. The folder
 * outlives pods, so a user's home survives a stop, as a cloud disk does.
 */
final class FolderProvisioner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FolderProvisioner.class);
    static final String STORAGE_CLASS = "local-folders";
    static final String PROVISIONER = "notebookhub.io/process-kubelet";

    private final KubernetesClient client;
    private final Path root;
    private SharedIndexInformer<PersistentVolumeClaim> claims;

    FolderProvisioner(KubernetesClient client, Path root) throws IOException {
        this.client = client;
        this.root = root;
        Files.createDirectories(root);
    }

    void start() {
        client.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata()
                .withName(STORAGE_CLASS)
                .withAnnotations(Map.of("storageclass.kubernetes.io/is-default-class", "true")).endMetadata()
                .withProvisioner(PROVISIONER).withReclaimPolicy("Retain").withVolumeBindingMode("Immediate")
                .build()).createOr(existing -> existing.update());
        claims = client.persistentVolumeClaims().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(PersistentVolumeClaim claim) {
                provision(claim);
            }

            @Override
            public void onUpdate(PersistentVolumeClaim old, PersistentVolumeClaim claim) {
                provision(claim);
            }

            @Override
            public void onDelete(PersistentVolumeClaim claim, boolean unknown) {
            }
        }, 30_000);
    }

    private void provision(PersistentVolumeClaim claim) {
        Map<String, String> annotations = claim.getMetadata().getAnnotations();
        boolean ours = annotations != null && PROVISIONER.equals(annotations.get("volume.kubernetes.io/storage-provisioner"));
        if (!ours || claim.getSpec().getVolumeName() != null && !claim.getSpec().getVolumeName().isEmpty()) {
            return;
        }
        String name = "pvc-" + claim.getMetadata().getUid();
        Path folder = root.resolve(name);
        try {
            Files.createDirectories(folder);
            Quantity size = claim.getSpec().getResources().getRequests().get("storage");
            PersistentVolume volume = new PersistentVolumeBuilder().withNewMetadata().withName(name)
                    .withAnnotations(Map.of("pv.kubernetes.io/provisioned-by", PROVISIONER)).endMetadata()
                    .withNewSpec().withCapacity(Map.of("storage", size))
                    .withAccessModes(claim.getSpec().getAccessModes())
                    .withStorageClassName(STORAGE_CLASS).withPersistentVolumeReclaimPolicy("Retain")
                    .withNewHostPath().withPath(folder.toString()).withType("DirectoryOrCreate").endHostPath()
                    .withClaimRef(new ObjectReferenceBuilder().withKind("PersistentVolumeClaim").withApiVersion("v1")
                            .withNamespace(claim.getMetadata().getNamespace()).withName(claim.getMetadata().getName())
                            .withUid(claim.getMetadata().getUid()).build())
                    .endSpec().build();
            client.persistentVolumes().resource(volume).create();
            log.info("provisioned {} for claim {}/{} in {}", name, claim.getMetadata().getNamespace(),
                    claim.getMetadata().getName(), folder);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                log.warn("could not provision claim {}: {}", claim.getMetadata().getName(), e.getMessage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The host folder behind the bound claim {@code namespace/name}, or null while it is not bound. */
    Path hostFolder(String namespacedClaim) {
        String[] parts = namespacedClaim.split("/", 2);
        PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(parts[0]).withName(parts[1]).get();
        if (claim == null || claim.getSpec().getVolumeName() == null) {
            return null;
        }
        PersistentVolume volume = client.persistentVolumes().withName(claim.getSpec().getVolumeName()).get();
        return volume == null || volume.getSpec().getHostPath() == null ? null
                : Path.of(volume.getSpec().getHostPath().getPath());
    }

    @Override
    public void close() {
        if (claims != null) {
            claims.close();
        }
    }
}
