package io.notebookhub.spawner.kubernetes;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.notebookhub.spawner.SpawnFailedException;
import io.notebookhub.spawner.kubernetes.model.Namespaces;
import io.notebookhub.spawner.kubernetes.ops.ApiCalls;
import io.notebookhub.spawner.kubernetes.ops.Mdc;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code userNamespaces}, makes sure the user's namespace exists before their claim and pod are created (as
 * KubeSpawner's {@code enable_user_namespaces} does); otherwise does nothing. A namespace known to exist costs no API
 * call on later spawns.
 */
final class UserNamespaces {
    private static final Logger log = LoggerFactory.getLogger(UserNamespaces.class);
    /** How long a new namespace may take to get its default service account (the controller-manager makes it). */
    private static final long ACCOUNT_WAIT_MS = 30_000;

    private final Vertx vertx;
    private final KubernetesClient client;
    private final ApiCalls api;
    private final KubernetesSpawnerConfig config;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    UserNamespaces(Vertx vertx, KubernetesClient client, ApiCalls api, KubernetesSpawnerConfig config) {
        this.vertx = vertx;
        this.client = client;
        this.api = api;
        this.config = config;
    }

    Future<Void> ensure(String user, Map<String, String> mdc) {
        if (!config.userNamespaces()) {
            return Future.succeededFuture();
        }
        Namespace wanted = Namespaces.userNamespace(user, config);
        String name = wanted.getMetadata().getName();
        if (known.contains(name)) {
            return Future.succeededFuture();
        }
        return Mdc.with(mdc, () -> api.call("create namespace " + name,
                        () -> client.namespaces().resource(wanted).create()))
                .map(created -> {
                    Mdc.run(mdc, () -> log.info("Created namespace {}", name));
                    return true;
                })
                .recover(err -> ApiCalls.status(err) == 409 ? Future.succeededFuture(false)
                        : Future.failedFuture(new SpawnFailedException("Your namespace " + name
                                + " could not be created (" + SpawnFlow.apiReason(err) + ").", err)))
                // A pod is refused until its service account exists, and a new namespace gets "default" only once
                // the controller-manager has seen it.
                .compose(created -> created ? awaitDefaultAccount(name) : Future.succeededFuture())
                .onSuccess(v -> known.add(name));
    }

    private Future<Void> awaitDefaultAccount(String namespace) {
        Promise<Void> done = Promise.promise();
        poll(namespace, System.currentTimeMillis() + ACCOUNT_WAIT_MS, done);
        return done.future();
    }

    private void poll(String namespace, long deadline, Promise<Void> done) {
        api.call("get service account default in " + namespace,
                        () -> client.serviceAccounts().inNamespace(namespace).withName("default").get())
                .onComplete(ar -> {
                    if (ar.succeeded() && ar.result() != null) {
                        done.complete();
                    } else if (System.currentTimeMillis() > deadline) {
                        done.fail(new SpawnFailedException("Namespace " + namespace + " has no default service "
                                + "account after " + ACCOUNT_WAIT_MS / 1000 + " s (is the controller-manager "
                                + "running?)."));
                    } else {
                        vertx.setTimer(200, t -> poll(namespace, deadline, done));
                    }
                });
    }
}
