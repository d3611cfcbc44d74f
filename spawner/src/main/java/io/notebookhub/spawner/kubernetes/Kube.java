package io.notebookhub.spawner.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.notebookhub.spawner.kubernetes.ops.ApiCalls;
import io.notebookhub.spawner.kubernetes.watch.ClusterWatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/** What the spawner's steps share: the API (writes), the watch (reads), the config and the user-namespace step. */
record Kube(Vertx vertx, KubernetesClient client, ApiCalls api, ClusterWatch watch, KubernetesSpawnerConfig config,
            UserNamespaces namespaces) {

    /** Creates a pod; the returned pod carries the uid that tells this incarnation from an earlier one. */
    Future<Pod> createPod(Pod pod) {
        return api.call("create pod " + pod.getMetadata().getName(),
                () -> client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create());
    }

    /** Asks for deletion with the given grace period; a pod that is already gone is not an error. */
    Future<Void> deletePod(String namespace, String name, Duration grace) {
        return api.call("delete pod " + name, () -> client.pods().inNamespace(namespace).withName(name)
                .withGracePeriod(grace.toSeconds()).delete()).mapEmpty();
    }

    /** Deletes and completes once the pod has left the cache (its grace period plus a margin at most). */
    Future<Void> deletePodAndWait(String namespace, String name, Duration grace) {
        return deletePod(namespace, name, grace)
                .compose(v -> watch.awaitGone(vertx, name, grace.plusSeconds(30)));
    }
}
