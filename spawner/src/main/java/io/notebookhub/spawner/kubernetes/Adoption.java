package io.notebookhub.spawner.kubernetes;

import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.FAIL_ON_UNSCHEDULABLE;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnFailedException;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.StateValues;
import io.notebookhub.spawner.kubernetes.model.HubLabels;
import io.notebookhub.spawner.kubernetes.model.SafeNames;
import io.notebookhub.spawner.kubernetes.ops.Mdc;
import io.notebookhub.spawner.kubernetes.watch.ClusterWatch;
import io.notebookhub.spawner.kubernetes.watch.PodFailures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a hub restart, matches the pods in the cache with the servers the hub remembers. Ready pods of
 * known servers are adopted (the hub routes to their current IP); a known server's pod that is still
 * starting (the hub crashed mid-spawn: the pod name is recorded before the pod is created) is adopted too
 * and waited for until it is ready, or deleted when it fails or runs out of time; every other pod of this
 * hub is deleted with a log line saying why. Matching is by pod name, which the hub's state records and which
 * {@link SafeNames} derives stably, so a cache lookup per pod is all it costs.
 */
final class Adoption {
    private static final Logger log = LoggerFactory.getLogger(Adoption.class);

    private final Kube kube;

    Adoption(Kube kube) {
        this.kube = kube;
    }

    /** Pods found, by server (each future completes when the pod is ready); orphans deleted when this completes. */
    Future<Map<ServerId, Future<SpawnedServer>>> reconcile(Map<ServerId, Map<String, Object>> known,
                                                           Duration startTimeout) {
        Map<ServerId, String> expected = new HashMap<>();
        known.forEach((server, state) -> expected.put(server, podName(server, state)));
        Map<ServerId, Future<SpawnedServer>> adopted = new HashMap<>();
        List<Future<Void>> deletions = new ArrayList<>();
        for (Pod pod : kube.watch().pods()) {
            String name = pod.getMetadata().getName();
            // The pod's annotation says whose it is; a name alone may be another user's (names end in a hash).
            ServerId server = HubLabels.serverOf(pod).filter(s -> name.equals(expected.get(s))).orElse(null);
            Optional<String> url = PodFailures.readyUrl(pod, kube.config().port());
            if (server != null && url.isPresent()) {
                adopted.put(server, Future.succeededFuture(new SpawnedServer(url.get(), state(server, pod))));
                continue;
            }
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            if (server != null && stillStarting(pod)) {
                Optional<Future<SpawnedServer>> waiting = awaitReady(server, pod, startTimeout);
                if (waiting.isPresent()) {
                    adopted.put(server, waiting.get());
                    continue;
                }
            }
            String why = server == null ? "it belongs to no server the hub knows"
                    : "it has stopped (" + PodFailures.describe(pod) + ")";
            ServerId owner = HubLabels.serverOf(pod).orElse(new ServerId("?", name));
            Mdc.run(Mdc.of(owner), () -> log.info("Deleting pod {} because {}", name, why));
            deletions.add(kube.deletePod(pod.getMetadata().getNamespace(), name, kube.config().terminationGracePeriod())
                    .onFailure(err -> Mdc.run(Mdc.of(owner),
                            () -> log.warn("Could not delete pod {}: {}", name, err.getMessage()))));
        }
        log.info("Reconciled with the cluster: {} of {} known servers found, {} pods deleted", adopted.size(),
                known.size(), deletions.size());
        return Future.join(deletions).transform(ar -> Future.succeededFuture(adopted));
    }

    private boolean stillStarting(Pod pod) {
        return !PodFailures.isTerminal(pod)
                && PodFailures.classify(pod, List.of(), kube.config().get(FAIL_ON_UNSCHEDULABLE)).isEmpty();
    }

    /**
     * Finishes a start the hub's restart interrupted: ready within {@code timeout}, or deleted. Empty when the
     * pod already has a listener (a spawn of it is under way here).
     */
    private Optional<Future<SpawnedServer>> awaitReady(ServerId server, Pod pod, Duration timeout) {
        String name = pod.getMetadata().getName();
        String uid = pod.getMetadata().getUid();
        Promise<String> ready = Promise.promise();
        ClusterWatch.PodListener listener = new ClusterWatch.PodListener() {
            @Override
            public void onPod(String podName, Pod changed) {
                if (changed == null || !uid.equals(changed.getMetadata().getUid())) {
                    ready.tryFail(new SpawnFailedException("Your server's pod was deleted while it was starting."));
                    return;
                }
                PodFailures.readyUrl(changed, kube.config().port()).ifPresentOrElse(ready::tryComplete,
                        () -> PodFailures.classify(changed, kube.watch().events(name, uid),
                                kube.config().get(FAIL_ON_UNSCHEDULABLE))
                                .ifPresent(reason -> ready.tryFail(new SpawnFailedException(reason))));
            }

            @Override
            public void onEvent(Event event) {
                kube.watch().pod(name).ifPresent(p -> onPod(name, p));
            }
        };
        if (!kube.watch().listen(name, listener)) {
            return Optional.empty();
        }
        Map<String, String> mdc = Mdc.of(server);
        Mdc.run(mdc, () -> log.info("Pod {} was starting when the hub stopped; waiting for it to be ready", name));
        long timer = kube.vertx().setTimer(Math.max(1, timeout.toMillis()), t -> ready.tryFail(
                new SpawnFailedException("Your server did not become ready within " + timeout.toSeconds() + " s ("
                        + PodFailures.describe(kube.watch().pod(name).orElse(null)) + ").")));
        // A change between the cache read and the registration is not missed: look again now.
        kube.watch().pod(name).ifPresentOrElse(p -> listener.onPod(name, p), () -> listener.onPod(name, null));
        Future<SpawnedServer> adopted = ready.future()
                .onComplete(ar -> {
                    kube.vertx().cancelTimer(timer);
                    kube.watch().unlisten(name, listener);
                })
                .map(url -> new SpawnedServer(url, state(server, kube.watch().pod(name).orElse(pod))))
                .recover(err -> {
                    Mdc.run(mdc, () -> log.info("Deleting pod {}: {}", name, err.getMessage()));
                    return Mdc.with(mdc, () -> kube.deletePodAndWait(pod.getMetadata().getNamespace(), name,
                            Duration.ZERO))
                            .transform(ar -> Future.failedFuture(err));
                });
        return Optional.of(adopted);
    }

    static String podName(ServerId server, Map<String, Object> state) {
        return StateValues.text(state, "pod").orElseGet(() -> SafeNames.podName(server));
    }

    private Map<String, Object> state(ServerId server, Pod pod) {
        return Map.of("profile", HubLabels.profileOf(pod), "pod", pod.getMetadata().getName(), "namespace",
                pod.getMetadata().getNamespace(), "pvc", SafeNames.pvcName(server.user()));
    }
}
