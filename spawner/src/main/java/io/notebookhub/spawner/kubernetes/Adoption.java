package io.notebookhub.spawner.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.kubernetes.model.HubLabels;
import io.notebookhub.spawner.kubernetes.model.SafeNames;
import io.notebookhub.spawner.kubernetes.ops.Mdc;
import io.notebookhub.spawner.kubernetes.watch.PodFailures;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a hub restart, matches the pods in the cache with the servers the hub remembers. Ready pods of
 * known servers are adopted (the hub routes to their current IP); every other pod of this hub is
 * deleted with a log line saying why. Matching is by pod name, which the hub's state records and which
 * {@link SafeNames} derives stably, so a cache lookup per pod is all it costs.
 */
final class Adoption {
    private static final Logger log = LoggerFactory.getLogger(Adoption.class);

    private final Kube kube;

    Adoption(Kube kube) {
        this.kube = kube;
    }

    /** Pods adopted, by server; orphan deletions have been requested (not awaited) when this completes. */
    Future<Map<ServerId, SpawnedServer>> reconcile(Map<ServerId, Map<String, String>> known) {
        Map<String, ServerId> expected = new HashMap<>();
        known.forEach((server, state) -> expected.put(podName(server, state), server));
        Map<ServerId, SpawnedServer> adopted = new HashMap<>();
        List<Future<Void>> deletions = new ArrayList<>();
        for (Pod pod : kube.watch().pods()) {
            String name = pod.getMetadata().getName();
            ServerId server = expected.get(name);
            Optional<String> url = PodFailures.readyUrl(pod, kube.config().port());
            if (server != null && url.isPresent()) {
                adopted.put(server, new SpawnedServer(url.get(), state(server, pod)));
                continue;
            }
            String why = server == null ? "it belongs to no server the hub knows"
                    : PodFailures.isTerminal(pod) ? "it has stopped (" + PodFailures.describe(pod) + ")"
                    : "its spawn was interrupted by the hub restart (" + PodFailures.describe(pod) + ")";
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            ServerId owner = HubLabels.serverOf(pod).orElse(new ServerId("?", name));
            Mdc.run(Mdc.of(owner), () -> log.info("Deleting pod {} because {}", name, why));
            deletions.add(kube.deletePod(name, kube.config().terminationGracePeriod())
                    .onFailure(err -> Mdc.run(Mdc.of(owner),
                            () -> log.warn("Could not delete pod {}: {}", name, err.getMessage()))));
        }
        log.info("Reconciled with the cluster: {} of {} known servers adopted, {} pods deleted", adopted.size(),
                known.size(), deletions.size());
        return Future.join(deletions).transform(ar -> Future.succeededFuture(adopted));
    }

    static String podName(ServerId server, Map<String, String> state) {
        String recorded = state == null ? null : state.get("pod");
        return recorded != null ? recorded : SafeNames.podName(server);
    }

    private Map<String, String> state(ServerId server, Pod pod) {
        return Map.of("profile", HubLabels.profileOf(pod), "pod", pod.getMetadata().getName(), "namespace",
                kube.config().namespace(), "pvc", SafeNames.pvcName(server.user()));
    }
}
