package io.notebookhub.spawner.kubernetes.watch;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;
import io.notebookhub.spawner.kubernetes.model.HubLabels;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's view of its pods and their events: one shared pod informer (label-selected to this hub's
 * user pods) and one event informer for the namespace; with user namespaces both watch every namespace (the pods
 * still label-selected, the events limited to pods'). Reads come from the caches; interested parties
 * register per pod name and are called on the informer thread, so they must be quick.
 */
public final class ClusterWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterWatch.class);
    private static final String BY_POD = "byPod";
    private static final String BY_CLAIM = "byClaim";
    private static final String BY_NAME = "byName";

    /** Told about one pod: its new state (null once deleted) and each new event about it. */
    public interface PodListener {
        void onPod(String name, Pod podOrNullWhenDeleted);

        void onEvent(Event event);
    }

    private final KubernetesClient client;
    private final KubernetesSpawnerConfig config;
    private final Map<String, PodListener> listeners = new ConcurrentHashMap<>();
    private final Map<String, List<Promise<Void>>> goneWaiters = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, Pod>> podObservers = new CopyOnWriteArrayList<>();
    private final Map<String, List<java.util.function.Consumer<Event>>> claimListeners = new ConcurrentHashMap<>();
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Event> events;
    private static final long PROBE_EVERY_MS = 5_000;
    private static final long SILENCE_LIMIT_MS = 15_000;
    private Vertx vertx;
    private long probeTimer = -1;
    private volatile long lastAnswer = System.currentTimeMillis();
    private volatile String lastFailure;

    public ClusterWatch(KubernetesClient client, KubernetesSpawnerConfig config) {
        this.client = client;
        this.config = config;
    }

    /**
     * Starts both informers and completes when their first lists are in the caches. A timeout here nearly
     * always means the hub's service account may not list/watch pods or events, so the message says so.
     */
    public Future<Void> start(Vertx vertx) {
        this.vertx = vertx;
        pods = (config.userNamespaces() ? client.pods().inAnyNamespace().withLabels(HubLabels.podSelector(config))
                : client.pods().inNamespace(config.namespace()).withLabels(HubLabels.podSelector(config)))
                .runnableInformer(0);
        // Pod names are unique per hub (they carry the user's safe name), whichever namespace the pod is in.
        pods.addIndexers(Map.of(BY_NAME, p -> List.of(p.getMetadata().getName())));
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                podChanged(pod.getMetadata().getName(), pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                podChanged(pod.getMetadata().getName(), pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                podChanged(pod.getMetadata().getName(), null);
            }
        });
        // Events carry no labels; across all namespaces only pod events are watched (a cluster's every event would
        // be too many, so claim events reach the progress only in the hub's own namespace), and only those about
        // this hub's pods are passed on (eventAdded).
        events = (config.userNamespaces()
                ? client.v1().events().inAnyNamespace().withField("involvedObject.kind", "Pod")
                : client.v1().events().inNamespace(config.namespace())).runnableInformer(0);
        events.addIndexers(Map.of(
                BY_POD, e -> isAbout(e, "Pod") ? List.of(e.getInvolvedObject().getName()) : List.of(),
                BY_CLAIM, e -> isAbout(e, "PersistentVolumeClaim") ? List.of(e.getInvolvedObject().getName())
                        : List.of()));
        events.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Event event) {
                eventAdded(event);
            }

            @Override
            public void onUpdate(Event oldEvent, Event event) {
                // A repeated event (count++) is news to a person waiting: "Back-off pulling image" again.
                if (!java.util.Objects.equals(oldEvent.getCount(), event.getCount())) {
                    eventAdded(event);
                }
            }

            @Override
            public void onDelete(Event event, boolean finalStateUnknown) {
                // Events expire after an hour; nothing waits on their removal.
            }
        });
        probeTimer = vertx.setPeriodic(PROBE_EVERY_MS, id -> vertx.executeBlocking(this::probe, false));
        Promise<Void> synced = Promise.promise();
        long timeoutMs = config.informerSyncTimeout().toMillis();
        long timer = vertx.setTimer(timeoutMs, t -> synced.tryFail(new IllegalStateException(
                "The pod and event caches of namespace " + config.namespace() + " did not fill within "
                        + config.informerSyncTimeout().toSeconds() + " s. The likely cause is RBAC: the hub's "
                        + "service account needs get, list and watch on pods and events in that namespace "
                        + "(and a reachable API server).")));
        pods.start().toCompletableFuture()
                .thenCompose(v -> events.start().toCompletableFuture())
                .whenComplete((v, err) -> {
                    vertx.cancelTimer(timer);
                    if (err != null) {
                        synced.tryFail(new IllegalStateException("Watching pods and events in namespace "
                                + config.namespace() + " failed (check RBAC: get, list, watch on pods and events): "
                                + err.getMessage(), err));
                    } else {
                        log.info("Watching {} pods and {} events in namespace {}", pods.getStore().list().size(),
                                events.getStore().list().size(), config.namespace());
                        synced.tryComplete();
                    }
                });
        return synced.future();
    }

    /**
     * Why the caches may be stale, or empty while both informers are watching. fabric8 re-watches on its own after a
     * broken connection; until it has, the hub would act on a frozen view.
     */
    public Optional<String> problem() {
        if (pods == null || events == null) {
            return Optional.empty();
        }
        long silentMs = System.currentTimeMillis() - lastAnswer;
        if (lastFailure != null && silentMs > SILENCE_LIMIT_MS) {
            // fabric8 keeps retrying a broken watch on its own and still calls it "watching" meanwhile; a list that
            // fails says plainly that the view is frozen.
            return Optional.of("the Kubernetes API server has not answered the hub's watch of namespace "
                    + config.namespace() + " for " + silentMs / 1000 + " s (" + lastFailure + ")");
        }
        if (!pods.isWatching()) {
            return Optional.of("the watch of pods in namespace " + config.namespace()
                    + " is down (the Kubernetes API server is unreachable or refuses it)");
        }
        if (!events.isWatching()) {
            return Optional.of("the watch of events in namespace " + config.namespace()
                    + " is down (the Kubernetes API server is unreachable or refuses it)");
        }
        return Optional.empty();
    }

    public Optional<Pod> pod(String name) {
        if (!config.userNamespaces()) {
            return Optional.ofNullable(pods.getStore().getByKey(config.namespace() + "/" + name));
        }
        return pods.getIndexer().byIndex(BY_NAME, name).stream().findFirst();
    }

    public List<Pod> pods() {
        return pods.getStore().list();
    }

    /** Events about this incarnation of the pod (same uid), oldest first. */
    public List<Event> events(String podName, String podUid) {
        return events.getIndexer().byIndex(BY_POD, podName).stream()
                .filter(e -> podUid == null || podUid.equals(e.getInvolvedObject().getUid()))
                .sorted(Comparator.comparing(ClusterWatch::eventTime))
                .toList();
    }

    /** Events about the claim of that name (any incarnation: a claim keeps its name for life), oldest first. */
    public List<Event> claimEvents(String claimName) {
        return events.getIndexer().byIndex(BY_CLAIM, claimName).stream()
                .sorted(Comparator.comparing(ClusterWatch::eventTime))
                .toList();
    }

    /** Adds a listener of a claim's new events (several servers of one user may wait on the same claim). */
    public void listenClaim(String claimName, java.util.function.Consumer<Event> listener) {
        claimListeners.computeIfAbsent(claimName, k -> new CopyOnWriteArrayList<>()).add(listener);
    }

    public void unlistenClaim(String claimName, java.util.function.Consumer<Event> listener) {
        claimListeners.computeIfPresent(claimName, (k, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    /** Registers the one listener of a pod name; returns false when another is already registered. */
    public boolean listen(String podName, PodListener listener) {
        return listeners.putIfAbsent(podName, listener) == null;
    }

    public void unlisten(String podName, PodListener listener) {
        listeners.remove(podName, listener);
    }

    /**
     * Called with every pod change (pod null once deleted), after the pod's own listener; used to notice
     * servers that stop without being asked.
     */
    public void observePods(BiConsumer<String, Pod> observer) {
        podObservers.add(observer);
    }

    /** Completes when no pod of that name is in the cache (at once if none is). */
    public Future<Void> awaitGone(Vertx vertx, String name, java.time.Duration timeout) {
        Promise<Void> gone = Promise.promise();
        goneWaiters.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(gone);
        // Registered before looking, so a deletion between the look and the registration is not missed.
        if (pod(name).isEmpty()) {
            gone.tryComplete();
        }
        long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> gone.tryFail(new IllegalStateException(
                "Pod " + name + " was still there " + timeout.toSeconds() + " s after it was deleted")));
        return gone.future().onComplete(ar -> {
            vertx.cancelTimer(timer);
            goneWaiters.computeIfPresent(name, (k, list) -> {
                list.remove(gone);
                return list.isEmpty() ? null : list;
            });
        });
    }

    private void podChanged(String name, Pod pod) {
        PodListener listener = listeners.get(name);
        if (listener != null) {
            listener.onPod(name, pod);
        }
        List<Promise<Void>> waiting = goneWaiters.get(name);
        if (pod == null && waiting != null) {
            waiting.forEach(Promise::tryComplete);
        }
        podObservers.forEach(o -> o.accept(name, pod));
    }

    private void eventAdded(Event event) {
        if (isAbout(event, "PersistentVolumeClaim")) {
            claimListeners.getOrDefault(event.getInvolvedObject().getName(), List.of()).forEach(l -> l.accept(event));
            return;
        }
        if (!isAbout(event, "Pod") || (config.userNamespaces() && !isAboutOurPod(event))) {
            return;
        }
        PodListener listener = listeners.get(event.getInvolvedObject().getName());
        if (listener != null) {
            listener.onEvent(event);
        }
    }

    /** Across namespaces another pod may share a name with one of ours; its uid tells them apart. */
    private boolean isAboutOurPod(Event e) {
        return pod(e.getInvolvedObject().getName())
                .map(p -> java.util.Objects.equals(p.getMetadata().getUid(), e.getInvolvedObject().getUid()))
                .orElse(false);
    }

    private static boolean isAbout(Event e, String kind) {
        return e.getInvolvedObject() != null && kind.equals(e.getInvolvedObject().getKind());
    }

    /** When an event last happened (RFC 3339), or "" when it says not. */
    public static String eventTime(Event e) {
        if (e.getLastTimestamp() != null) {
            return e.getLastTimestamp();
        }
        if (e.getEventTime() != null && e.getEventTime().getTime() != null) {
            return e.getEventTime().getTime();
        }
        return e.getMetadata().getCreationTimestamp() == null ? "" : e.getMetadata().getCreationTimestamp();
    }

    /** One cheap list from the API server's cache (resourceVersion 0, one item), as a heartbeat of the watch. */
    private Void probe() {
        try {
            (config.userNamespaces() ? client.pods().inAnyNamespace().withLabels(HubLabels.podSelector(config))
                    : client.pods().inNamespace(config.namespace()).withLabels(HubLabels.podSelector(config)))
                    .list(new ListOptionsBuilder().withLimit(1L).withResourceVersion("0").build());
            lastAnswer = System.currentTimeMillis();
            lastFailure = null;
        } catch (RuntimeException e) {
            lastFailure = e.getMessage();
        }
        return null;
    }

    @Override
    public void close() {
        if (vertx != null) {
            vertx.cancelTimer(probeTimer);
        }
        if (events != null) {
            events.close();
        }
        if (pods != null) {
            pods.close();
        }
    }
}
