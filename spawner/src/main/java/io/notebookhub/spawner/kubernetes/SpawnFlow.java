package io.notebookhub.spawner.kubernetes;

import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.FAIL_ON_UNSCHEDULABLE;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.notebookhub.spawner.SpawnFailedException;
import io.notebookhub.spawner.SpawnProgress;
import io.notebookhub.spawner.SpawnRequest;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.kubernetes.model.HomeVolume;
import io.notebookhub.spawner.kubernetes.model.HubLabels;
import io.notebookhub.spawner.kubernetes.model.Namespaces;
import io.notebookhub.spawner.kubernetes.model.PodManifests;
import io.notebookhub.spawner.kubernetes.model.SafeNames;
import io.notebookhub.spawner.kubernetes.ops.ApiCalls;
import io.notebookhub.spawner.kubernetes.ops.Mdc;
import io.notebookhub.spawner.kubernetes.watch.CapacityWaits;
import io.notebookhub.spawner.kubernetes.watch.ClusterWatch;
import io.notebookhub.spawner.kubernetes.watch.PodFailures;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One spawn: {@code ensureNamespace -> ensurePvc -> createPod -> awaitReady -> awaitAnswer} (the namespace only with
 * user namespaces, the PVC only for a dynamic home), and on any failure the pod it made is
 * removed (the PVC never is). Readiness and failures come from the shared informers; only the last step asks the
 * server itself, over HTTP, whether it answers.
 */
final class SpawnFlow implements ClusterWatch.PodListener {
    private static final Logger log = LoggerFactory.getLogger(SpawnFlow.class);
    private static final Duration CLEANUP_GRACE = Duration.ZERO;
    /** JupyterHub's and Zero-to-JupyterHub's default {@code start_timeout}, for a request that names none. */
    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(300);

    private final Kube kube;
    private final Context context;
    private final SpawnRequest request;
    private final Consumer<SpawnProgress> progress;
    private final Map<String, String> mdc;
    private final String podName;
    private final String namespace;
    private final Promise<String> ready = Promise.promise();
    private final Set<String> seenEvents = new HashSet<>();
    private volatile String podUid;
    private volatile boolean podRequested;
    private volatile boolean timedOut;
    private volatile String claimName;
    private final Instant startedAt = Instant.now();
    private final Consumer<Event> claimListener = this::onClaimEvent;
    private int percent = 10;
    /** When the scheduler first found no room for the pod, and when the pod got a node after that. */
    private volatile Instant unschedulableSince;
    private volatile Instant scheduledAt;

    SpawnFlow(Kube kube, Context context, SpawnRequest request, Consumer<SpawnProgress> progress) {
        this.kube = kube;
        this.context = context;
        this.request = request.startTimeout() != null ? request
                : new SpawnRequest(request.server(), request.env(), request.profile(), DEFAULT_START_TIMEOUT);
        this.progress = progress;
        this.mdc = Mdc.of(request.server());
        this.podName = SafeNames.podName(request.server());
        this.namespace = Namespaces.of(request.server().user(), kube.config());
    }

    String podName() {
        return podName;
    }

    Map<String, Object> state() {
        KubernetesSpawnerConfig config = kube.config();
        return Map.of("profile", Objects.requireNonNullElse(request.profile().slug(), ""), "pod", podName,
                "namespace", namespace, "pvc",
                claimName != null ? claimName : SafeNames.pvcName(request.server().user()));
    }

    Future<SpawnedServer> run() {
        HomeVolume home;
        try {
            home = HomeVolume.of(request.server().user(), request.profile().storage(), kube.config());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new SpawnFailedException("Profile " + request.profile().slug()
                    + " cannot be started: " + e.getMessage() + ".", e));
        }
        report(0, "Server requested");
        long timer = kube.vertx().setTimer(Math.max(1, request.startTimeout().toMillis()), t -> {
            timedOut = true;
            fail(timeoutReason());
        });
        return kube.namespaces().ensure(request.server().user(), mdc)
                .compose(v -> home.isPerUserClaim() ? ensurePvc() : Future.succeededFuture())
                .compose(v -> createPod())
                .compose(pod -> awaitReady(pod))
                .compose(url -> awaitAnswer(url))
                .map(url -> new SpawnedServer(url, state(), waitedForNode()))
                .onComplete(ar -> {
                    kube.vertx().cancelTimer(timer);
                    kube.watch().unlisten(podName, this);
                    if (claimName != null) {
                        kube.watch().unlistenClaim(claimName, claimListener);
                    }
                })
                .recover(this::removePod);
    }

    /** Ends the spawn from outside (the server was stopped while starting). */
    void cancel(String reason) {
        fail(reason);
    }

    private Future<Void> ensurePvc() {
        return Mdc.with(mdc, () -> new HomeClaims(kube).ensure(request.server().user(), request.profile().storage()))
                .onSuccess(name -> {
                    claimName = name;
                    report(5, "Home volume " + name + " is ready");
                    // A claim may wait for its volume (WaitForFirstConsumer, a failing provisioner): its events say
                    // why long before the pod's do. Events from before this spawn are about an earlier one.
                    kube.watch().listenClaim(name, claimListener);
                    kube.watch().claimEvents(name).stream()
                            .filter(e -> !ClusterWatch.eventTime(e).isEmpty()
                                    && !Instant.parse(ClusterWatch.eventTime(e)).isBefore(startedAt.minusSeconds(2)))
                            .forEach(this::onClaimEvent);
                })
                .mapEmpty();
    }

    private void onClaimEvent(Event event) {
        String key = event.getMetadata().getUid() + "/" + event.getCount();
        synchronized (seenEvents) {
            if (!seenEvents.add(key)) {
                return;
            }
        }
        report(percent, "Home volume: " + event.getReason() + ": " + event.getMessage());
    }

    private Future<Pod> createPod() {
        if (ready.future().failed()) {
            // Timed out or cancelled while the PVC was being made: do not start a pod nobody waits for.
            return Future.failedFuture(ready.future().cause());
        }
        Pod pod = PodManifests.pod(request.server(), request.profile(), request.env(), kube.config(), claimName);
        if (!kube.watch().listen(podName, this)) {
            return Future.failedFuture(new SpawnFailedException("This server is already starting."));
        }
        podRequested = true;
        return Mdc.with(mdc, () -> kube.createPod(pod))
                .recover(err -> ApiCalls.status(err) == 409 ? leftover(pod) : Future.failedFuture(
                        new SpawnFailedException("Your server's pod could not be created (" + apiReason(err) + ").",
                                err)))
                .onSuccess(created -> report(10, "Pod " + podName + " created"));
    }

    /**
     * A pod of this name already exists, left over from a hub crash or a spawn racing a stop. One of ours,
     * for the same server and profile and still healthy, is adopted; anything else is replaced.
     */
    private Future<Pod> leftover(Pod wanted) {
        return Mdc.with(mdc, () -> kube.api().call("get pod " + podName,
                () -> kube.client().pods().inNamespace(namespace).withName(podName).get()))
                .compose(existing -> {
                    if (existing != null && !HubLabels.serverOf(existing).map(request.server()::equals).orElse(false)) {
                        // Names come from a hash; a pod of that name that is not this server's is never ours to
                        // adopt, replace or remove after the failure.
                        podRequested = false;
                        return Future.failedFuture(new SpawnFailedException("A pod named " + podName
                                + " exists but is not this server's (its " + HubLabels.USER + "/" + HubLabels.SERVER
                                + " annotations name another); refusing to adopt or replace it."));
                    }
                    if (existing != null && adoptable(existing, wanted)) {
                        Mdc.run(mdc, () -> log.info("Adopting existing pod {} for this spawn", podName));
                        return Future.succeededFuture(existing);
                    }
                    Mdc.run(mdc, () -> log.warn("Replacing leftover pod {}", podName));
                    return kube.deletePodAndWait(namespace, podName, CLEANUP_GRACE)
                            .compose(v -> kube.createPod(wanted));
                });
    }

    private boolean adoptable(Pod existing, Pod wanted) {
        Map<String, String> have = existing.getMetadata().getLabels();
        Map<String, String> want = wanted.getMetadata().getLabels();
        return have != null
                && HubLabels.serverOf(existing).map(request.server()::equals).orElse(false)
                && Objects.equals(have.get(HubLabels.PROFILE), want.get(HubLabels.PROFILE))
                && Objects.equals(have.get(HubLabels.INSTANCE), want.get(HubLabels.INSTANCE))
                && !PodFailures.isTerminal(existing)
                && PodFailures.classify(existing, java.util.List.of(), kube.config().get(FAIL_ON_UNSCHEDULABLE))
                        .isEmpty();
    }

    private Future<String> awaitReady(Pod created) {
        podUid = created.getMetadata().getUid();
        // Events and changes that arrived before the uid was known are replayed from the caches.
        kube.watch().events(podName, podUid).forEach(this::onEvent);
        kube.watch().pod(podName).ifPresent(p -> onPod(podName, p));
        return ready.future();
    }

    /**
     * A Ready pod may still be a server that does not listen yet (a pod without a readiness probe is Ready when its
     * container starts), so the user is routed only once the server answers on its prefix, as the local spawner
     * waits.
     */
    private Future<String> awaitAnswer(String url) {
        String prefix = request.env().getOrDefault("JUPYTERHUB_SERVICE_PREFIX", "/");
        HttpClient http = kube.vertx().createHttpClient(new HttpClientOptions().setConnectTimeout(2000)
                .setKeepAlive(false));
        Promise<String> answered = Promise.promise();
        poll(http, url + (prefix.startsWith("/") ? prefix : "/" + prefix) + "api", url, answered);
        return answered.future().onComplete(ar -> http.close());
    }

    private void poll(HttpClient http, String apiUrl, String url, Promise<String> answered) {
        if (timedOut) {
            answered.fail(new SpawnFailedException("Your server's pod is ready but the server did not answer on "
                    + apiUrl + " within " + request.startTimeout().toSeconds() + " s (start_timeout)."));
            return;
        }
        http.request(new RequestOptions().setAbsoluteURI(apiUrl).setMethod(HttpMethod.GET))
                .compose(req -> req.send())
                .onComplete(ar -> {
                    if (ar.succeeded() && ar.result().statusCode() < 500) {
                        report(95, "Server answers at " + url);
                        answered.complete(url);
                    } else {
                        kube.vertx().setTimer(200, t -> poll(http, apiUrl, url, answered));
                    }
                });
    }

    @Override
    public void onPod(String name, Pod pod) {
        if (pod == null) {
            if (podUid != null) {
                fail("Your server's pod was deleted while it was starting.");
            }
            return;
        }
        if (podUid == null || !podUid.equals(pod.getMetadata().getUid())) {
            return;
        }
        noteScheduling(pod);
        PodFailures.readyUrl(pod, kube.config().port()).ifPresentOrElse(this::succeed, () -> {
            Optional<String> failure = PodFailures.classify(pod, kube.watch().events(podName, podUid),
                    kube.config().get(FAIL_ON_UNSCHEDULABLE));
            failure.ifPresent(this::fail);
            if (failure.isEmpty()) {
                PodFailures.unschedulable(pod).map(PodFailures::waitingForNode).ifPresent(this::reportWaiting);
                CapacityWaits.preempting(pod).ifPresent(this::reportWaiting);
            }
        });
    }

    private void noteScheduling(Pod pod) {
        if (unschedulableSince == null && PodFailures.unschedulable(pod).isPresent()) {
            unschedulableSince = Instant.now();
        }
        if (unschedulableSince != null && scheduledAt == null && pod.getSpec() != null
                && pod.getSpec().getNodeName() != null) {
            scheduledAt = Instant.now();
        }
    }

    private Duration waitedForNode() {
        Instant since = unschedulableSince;
        if (since == null) {
            return Duration.ZERO;
        }
        return Duration.between(since, scheduledAt != null ? scheduledAt : Instant.now());
    }

    /** Says once per distinct scheduler answer what the pod waits for, as an autoscaler may take minutes. */
    private void reportWaiting(String message) {
        synchronized (seenEvents) {
            if (!seenEvents.add("waiting/" + message)) {
                return;
            }
        }
        report(percent, message);
    }

    private String timeoutReason() {
        Pod pod = kube.watch().pod(podName).orElse(null);
        Optional<String> unschedulable = PodFailures.unschedulable(pod);
        if (unschedulable.isPresent()) {
            return "Your server did not start within " + request.startTimeout().toSeconds() + " s: no node offered "
                    + PodFailures.missing(unschedulable.get()) + " (scheduler: " + unschedulable.get() + ").";
        }
        return "Your server did not become ready within " + request.startTimeout().toSeconds() + " s ("
                + PodFailures.describe(pod) + ").";
    }

    @Override
    public void onEvent(Event event) {
        if (record(event)) {
            kube.watch().pod(podName).ifPresent(p -> onPod(podName, p));
        }
    }

    /** Reports an event of this pod once; false for other pods' events and repeats. */
    private boolean record(Event event) {
        String uid = podUid;
        if (uid == null || !uid.equals(event.getInvolvedObject().getUid())) {
            return false;
        }
        String key = event.getMetadata().getUid() + "/" + event.getCount();
        int p;
        synchronized (seenEvents) {
            if (!seenEvents.add(key)) {
                return false;
            }
            percent += (90 - percent) / 3;
            p = percent;
        }
        report(p, CapacityWaits.describe(event).orElse(event.getReason() + ": " + event.getMessage()));
        return true;
    }

    private void succeed(String url) {
        // The user's log should hold every event up to readiness, even ones the pod's change overtook.
        kube.watch().events(podName, podUid).forEach(this::record);
        context.runOnContext(v -> ready.tryComplete(url));
    }

    private void fail(String reason) {
        context.runOnContext(v -> ready.tryFail(new SpawnFailedException(reason)));
    }

    private void report(int p, String message) {
        context.runOnContext(v -> {
            if (!ready.future().isComplete()) {
                progress.accept(new SpawnProgress(p, message));
            }
        });
    }

    private Future<SpawnedServer> removePod(Throwable err) {
        SpawnFailedException failure = err instanceof SpawnFailedException s ? s
                : new SpawnFailedException("Your server could not be started (" + apiReason(err) + ").", err);
        Mdc.run(mdc, () -> log.info("Spawn failed: {}", failure.getMessage()));
        if (!podRequested) {
            return Future.failedFuture(failure);
        }
        return Mdc.with(mdc, () -> kube.deletePodAndWait(namespace, podName, CLEANUP_GRACE))
                .transform(ar -> {
                    if (ar.failed()) {
                        Mdc.run(mdc, () -> log.warn("Could not remove pod {} after a failed spawn: {}", podName,
                                ar.cause().getMessage()));
                    }
                    return Future.<SpawnedServer>failedFuture(failure);
                });
    }

    /**
     * A 403 is RBAC only when the API server says the hub "cannot" do it; a ResourceQuota, LimitRange or PodSecurity
     * refusal is a 403 too, and its message names the quota or policy, which is what the user and the admin need.
     */
    private static String forbidden(String message) {
        if (message.isEmpty() || message.contains(" cannot ")) {
            return "the hub is not allowed to do this (HTTP 403" + (message.isEmpty() ? "" : ": " + message)
                    + "); check its RBAC role";
        }
        return "Kubernetes refused it: " + message;
    }

    static String apiReason(Throwable err) {
        int status = ApiCalls.status(err);
        return switch (status) {
            case 0 -> err.getMessage();
            case 403 -> forbidden(ApiCalls.message(err));
            case 422 -> "Kubernetes refused the object (HTTP 422): " + err.getMessage();
            default -> "Kubernetes API answered HTTP " + status;
        };
    }
}
