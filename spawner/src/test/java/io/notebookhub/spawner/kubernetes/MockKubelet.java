package io.notebookhub.spawner.kubernetes;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A test-side stand-in for the scheduler and kubelet: watches new pods and moves them to Running/Ready
 * with a pod IP, emitting the Events a real node would, or fails them the way a real cluster does.
 */
final class MockKubelet implements AutoCloseable {

    enum Behaviour { READY, UNSCHEDULABLE, IMAGE_PULL_ERROR, CRASH_LOOP, NEVER_READY }

    static final String UNSCHEDULABLE_MESSAGE = "0/5 nodes are available: 5 Insufficient nvidia.com/gpu.";

    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, Behaviour> byPod = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newFixedThreadPool(8);
    private final AtomicInteger ips = new AtomicInteger();
    /** A second octet of its own per kubelet, so test classes running at once never share a pod address. */
    private static final int IP_BLOCK = 100 + new Random().nextInt(150);
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private volatile Function<Pod, Behaviour> defaultBehaviour = p -> Behaviour.READY;
    private volatile boolean events = true;
    private Watch watch;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor();
    private final Set<String> taken = ConcurrentHashMap.newKeySet();
    private final Map<String, List<String>> journal = new ConcurrentHashMap<>();
    /** What concerned every pod: the watch closing, a sweep failing. */
    private final List<String> kubeletJournal = new CopyOnWriteArrayList<>();

    MockKubelet(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    MockKubelet start() {
        watch = client.pods().inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                if (action == Action.ADDED) {
                    take(pod, "watch");
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                kubeletJournal.add(Instant.now() + " watch closed: " + cause);
            }
        });
        // The watch alone is not enough: fabric8's mock API server can stall for a minute (see spawner/pom.xml), and
        // a pod whose ADDED event is lost would wait for a status forever. The sweep finds such pods.
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    private void sweep() {
        try {
            client.pods().inNamespace(namespace).list().getItems().forEach(pod -> take(pod, "sweep"));
        } catch (RuntimeException e) {
            kubeletJournal.add(Instant.now() + " sweep failed: " + e);
        }
    }

    /** Starts the pod's course once per pod (by UID), for a pod no kubelet has given a status yet. */
    private void take(Pod pod, String how) {
        if ((pod.getStatus() == null || pod.getStatus().getPhase() == null)
                && taken.add(pod.getMetadata().getUid())) {
            note(pod.getMetadata().getName(), "taken from the " + how);
            workers.execute(() -> run(pod));
        }
    }

    /** What this kubelet did with the pods of this name, for a test's failure message. */
    String journal(String podName) {
        return String.join("; ", journal.getOrDefault(podName, List.of())) + " "
                + String.join("; ", kubeletJournal);
    }

    private void note(String podName, String what) {
        journal.computeIfAbsent(podName, k -> new CopyOnWriteArrayList<>())
                .add(Instant.now() + " " + what);
    }

    /** Makes the next pod with this name behave so (a pod created earlier keeps its course). */
    MockKubelet behave(String podName, Behaviour behaviour) {
        byPod.put(podName, behaviour);
        return this;
    }

    /** Skips Events and goes straight to Ready, for the benchmark's "ready at once". */
    MockKubelet withoutEvents() {
        events = false;
        return this;
    }

    private void run(Pod pod) {
        String name = pod.getMetadata().getName();
        Behaviour behaviour = byPod.getOrDefault(name, defaultBehaviour.apply(pod));
        try {
            switch (behaviour) {
                case UNSCHEDULABLE -> {
                    status(pod, new PodStatusBuilder().withPhase("Pending").withConditions(new PodConditionBuilder()
                            .withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                            .withMessage(UNSCHEDULABLE_MESSAGE).build()).build());
                    event(pod, "Warning", "FailedScheduling", UNSCHEDULABLE_MESSAGE);
                }
                case IMAGE_PULL_ERROR -> {
                    scheduled(pod);
                    event(pod, "Normal", "Pulling", "Pulling image \"" + image(pod) + "\"");
                    event(pod, "Warning", "Failed", "Failed to pull image \"" + image(pod) + "\": not found");
                    status(pod, pending(waiting(pod, "ErrImagePull", "rpc error: manifest unknown")));
                }
                case CRASH_LOOP -> {
                    scheduled(pod);
                    event(pod, "Normal", "Started", "Started container notebook");
                    status(pod, running(new ContainerStatusBuilder().withName("notebook").withImage(image(pod))
                            .withReady(false).withRestartCount(3)
                            .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                            .withMessage("back-off 40s restarting failed container").endWaiting().endState()
                            .withNewLastState().withNewTerminated().withExitCode(1).withReason("Error").endTerminated()
                            .endLastState().build(), pod));
                    event(pod, "Warning", "BackOff", "Back-off restarting failed container");
                }
                case NEVER_READY -> {
                    scheduled(pod);
                    status(pod, running(new ContainerStatusBuilder().withName("notebook").withImage(image(pod))
                            .withReady(false).withNewState().withNewRunning().withStartedAt(now()).endRunning()
                            .endState().build(), pod));
                }
                case READY -> {
                    scheduled(pod);
                    event(pod, "Normal", "Pulling", "Pulling image \"" + image(pod) + "\"");
                    event(pod, "Normal", "Started", "Started container notebook");
                    if (events) {
                        // Events and pod changes travel on separate watches; a real kubelet, too, reports
                        // "Started" well before the container turns ready.
                        Thread.sleep(200);
                    }
                    status(pod, running(new ContainerStatusBuilder().withName("notebook").withImage(image(pod))
                            .withReady(true).withNewState().withNewRunning().withStartedAt(now()).endRunning()
                            .endState().build(), pod));
                }
            }
        } catch (RuntimeException e) {
            // The pod may be deleted (a stop racing the kubelet); a real kubelet shrugs too.
            note(name, behaviour + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void scheduled(Pod pod) {
        event(pod, "Normal", "Scheduled", "Successfully assigned " + namespace + "/" + pod.getMetadata().getName()
                + " to node-1");
    }

    private PodStatus pending(ContainerStatus container) {
        return new PodStatusBuilder().withPhase("Pending").withConditions(condition("PodScheduled", "True"))
                .withContainerStatuses(container).build();
    }

    private PodStatus running(ContainerStatus container, Pod pod) {
        boolean ready = Boolean.TRUE.equals(container.getReady());
        int n = ips.incrementAndGet();
        String ip = "127." + IP_BLOCK + "." + (n / 250) + "." + (n % 250 + 1);
        if (ready) {
            answer(ip, pod);
        }
        return new PodStatusBuilder().withPhase("Running")
                .withPodIP(ip)
                .withConditions(condition("PodScheduled", "True"), condition("Ready", ready ? "True" : "False"))
                .withContainerStatuses(container).build();
    }

    private static ContainerStatus waiting(Pod pod, String reason, String message) {
        return new ContainerStatusBuilder().withName("notebook").withImage(image(pod)).withReady(false)
                .withNewState().withNewWaiting().withReason(reason).withMessage(message).endWaiting().endState()
                .build();
    }

    private static PodCondition condition(String type, String status) {
        return new PodConditionBuilder().withType(type).withStatus(status).build();
    }

    /**
     * Writes the status, again after a failed write while the pod exists: a write the mock API server times out
     * (it can stall, see spawner/pom.xml) would otherwise leave the pod without a status for good.
     */
    private void status(Pod pod, PodStatus status) throws InterruptedException {
        String name = pod.getMetadata().getName();
        for (int attempt = 1; ; attempt++) {
            try {
                client.pods().inNamespace(namespace).withName(name).editStatus(p -> {
                    p.setStatus(status);
                    return p;
                });
                note(name, "status " + status.getPhase() + " written");
                return;
            } catch (RuntimeException e) {
                note(name, "status write " + attempt + " failed: " + e);
                if (attempt == 10 || client.pods().inNamespace(namespace).withName(name).get() == null) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    private void event(Pod pod, String type, String reason, String message) {
        if (!events) {
            return;
        }
        client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                .withNewMetadata().withName(pod.getMetadata().getName() + "." + UUID.randomUUID())
                    .withNamespace(namespace).endMetadata()
                .withNewInvolvedObject().withKind("Pod").withName(pod.getMetadata().getName())
                    .withNamespace(namespace).withUid(pod.getMetadata().getUid()).endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message).withCount(1)
                .withLastTimestamp(now())
                .build()).create();
    }

    private static String image(Pod pod) {
        return pod.getSpec().getContainers().get(0).getImage();
    }

    private static String now() {
        return Instant.now().toString();
    }

    /**
     * A ready pod's "server": answers every request with 200 on the pod IP and container port, because the spawner
     * routes a user only once the server answers. Pod IPs are loopback addresses, so nothing leaves this machine.
     */
    private void answer(String ip, Pod pod) {
        var ports = pod.getSpec().getContainers().get(0).getPorts();
        int port = ports == null || ports.isEmpty() ? 8888 : ports.get(0).getContainerPort();
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(ip, port), 0);
            server.createContext("/", exchange -> {
                byte[] body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            servers.add(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve pod " + pod.getMetadata().getName() + " on " + ip, e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        servers.forEach(s -> s.stop(0));
        sweeper.shutdownNow();
        if (watch != null) {
            watch.close();
        }
        workers.shutdownNow();
        workers.awaitTermination(5, TimeUnit.SECONDS);
    }

    static List<Behaviour> failures() {
        return List.of(Behaviour.UNSCHEDULABLE, Behaviour.IMAGE_PULL_ERROR, Behaviour.CRASH_LOOP);
    }
}
