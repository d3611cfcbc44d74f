package io.notebookhub.system.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes of the test cluster. It registers fake nodes (capacity, labels, taints) and keeps their leases fresh;
 * for every pod the real scheduler binds to one of them it runs the pod's notebook container as a local process
 * ({@link PodProcesses}) on a loopback pod IP of its own, and reports phase, container state, readiness and the
 * pod IP through the pods' status subresource, as a kubelet does. Deleting a pod stops its process within the
 * grace period and then removes the pod. Claims of its storage class are provisioned as host folders
 * ({@link FolderProvisioner}), so a home survives its pod.
 *
 * <p>It talks to the API server with cluster-admin credentials rather than a node identity: it stands in for
 * every node at once, which the Node authorizer would refuse.
 */
public final class ProcessKubelet implements AutoCloseable {
    /**
     * A container command for a stand-in of jupyterhub-singleuser: answers 200 on every path, on the --ip/--port the
     * kubelet appends. For cluster tests whose subject is the spawner, not the notebook server.
     */
    public static final List<String> STAND_IN_SERVER = List.of("/usr/bin/python3", "-c", """
            import http.server, sys
            a = dict(x.lstrip('-').split('=', 1) for x in sys.argv[1:])
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200); self.end_headers(); self.wfile.write(b'{}')
                def log_message(self, *args):
                    pass
            http.server.ThreadingHTTPServer((a['ip'], int(a['port'])), H).serve_forever()
            """);
    private static final Logger log = LoggerFactory.getLogger(ProcessKubelet.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;
    /** The label every pod of a user's server carries (JupyterHub's, kept by our spawner). */
    private static final String NOTEBOOK_LABEL = "hub.jupyter.org/username";

    private final KubernetesClient client;
    private final PodProcesses processes;
    private final FolderProvisioner provisioner;
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    private final Map<String, String> podIps = new ConcurrentHashMap<>();
    /** The UID of the pod each running process belongs to: a pod deleted and created again keeps its name. */
    private final Map<String, String> runningUids = new ConcurrentHashMap<>();
    private final Map<String, Object> podLocks = new ConcurrentHashMap<>();
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final AtomicInteger nextIp = new AtomicInteger(1);
    private volatile String podNetwork = "127.0.1.";
    private final ScheduledExecutorService work = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "process-kubelet");
        t.setDaemon(true);
        return t;
    });
    private SharedIndexInformer<Pod> pods;
    /** Pods that run no process here but are reported Running and ready (pause pods, image pullers). */
    private volatile java.util.function.Predicate<Pod> withoutProcess = p -> false;
    private volatile java.time.Duration pullDelay = java.time.Duration.ZERO;
    /** When each image is (or will be) on each node, by "node/image". */
    private final Map<String, Instant> pulledAt = new ConcurrentHashMap<>();
    private final java.util.Set<String> announcedPulls = ConcurrentHashMap.newKeySet();

    /** How a pod should fail instead of running, as a real node would report it. */
    public enum Failure { IMAGE_PULL_ERROR, OOM_KILLED, CRASH_LOOP }

    public ProcessKubelet(KubernetesClient client, Path workDir) throws IOException {
        this.client = client;
        this.processes = new PodProcesses(workDir.resolve("pods"));
        this.provisioner = new FolderProvisioner(client, workDir.resolve("volumes"));
    }

    /** Registers a node with the given capacity (e.g. {@code cpu: 4, memory: 8Gi, nvidia.com/gpu: 1}). */
    public ProcessKubelet addNode(String name, Map<String, String> labels, Map<String, String> capacity,
                                  List<Taint> taints) {
        Map<String, Quantity> resources = new java.util.LinkedHashMap<>();
        resources.put("pods", new Quantity("110"));
        capacity.forEach((k, v) -> resources.put(k, new Quantity(v)));
        Map<String, String> allLabels = new java.util.LinkedHashMap<>(labels);
        allLabels.put("kubernetes.io/hostname", name);
        allLabels.put("kubernetes.io/os", "linux");
        allLabels.put("kubernetes.io/arch", "amd64");
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(allLabels)
                .endMetadata().withNewSpec().withTaints(taints).endSpec().build()).create();
        var status = new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
                .withCapacity(resources).withAllocatable(resources)
                .addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress()
                .addNewAddress().withType("Hostname").withAddress(name).endAddress()
                .withConditions(readyCondition())
                .withNewNodeInfo().withKubeletVersion(ControlPlane.RELEASE).withOperatingSystem("linux")
                .withArchitecture("amd64").withContainerRuntimeVersion("process://notebook-hub-test")
                .withOsImage("local processes").withKernelVersion("").withKubeProxyVersion("")
                .withBootID("").withMachineID("").withSystemUUID("").endNodeInfo()
                .build();
        // Patches, not updates: the node controllers write the same objects concurrently.
        nodes.put(name, mergeStatus(client.nodes().withName(name), status));
        renewLease(name);
        return this;
    }

    /**
     * The first three octets of the pod IPs ({@code 127.0.1.} by default), e.g. to keep a benchmark's pods apart from
     * a test's on the same machine. Call before {@link #start()}.
     */
    public ProcessKubelet podNetwork(String prefix) {
        this.podNetwork = prefix.endsWith(".") ? prefix : prefix + ".";
        return this;
    }

    /**
     * Reports the pods this selects Running and ready without starting anything: a pause container (user placeholders)
     * or an image puller does nothing a test could observe, and this kubelet cannot run images.
     */
    public ProcessKubelet runWithoutProcess(java.util.function.Predicate<Pod> which) {
        this.withoutProcess = which;
        return this;
    }

    /**
     * Makes the first pod that needs an image on a node wait this long before its containers start, as a real pull
     * would, with the kubelet's Pulling and Pulled events; later pods on that node find the image present. Images of
     * init containers count, so an image puller's pod leaves the image on its node.
     */
    public ProcessKubelet pullDelay(java.time.Duration delay) {
        this.pullDelay = delay;
        return this;
    }

    /** Registers the node after a delay, as a cluster autoscaler's new node joins minutes after it was asked for. */
    public void addNodeLater(java.time.Duration delay, String name, Map<String, String> labels,
                             Map<String, String> capacity, List<Taint> taints) {
        work.schedule(() -> {
            try {
                addNode(name, labels, capacity, taints);
            } catch (KubernetesClientException e) {
                log.warn("node {}: could not be added: {}", name, e.getMessage());
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Makes the named pod fail this way when it is scheduled onto one of these nodes. */
    public ProcessKubelet fail(String podName, Failure failure) {
        failures.put(podName, failure);
        return this;
    }

    /**
     * Kills the running pod's notebook process as the kernel's OOM killer would after it passed its memory limit; the
     * pod then reports Failed with its container terminated as OOMKilled (exit code 137).
     */
    public void oomKill(String namespace, String podName) {
        if (!processes.oomKill(namespace + "/" + podName)) {
            throw new IllegalStateException("pod " + namespace + "/" + podName + " runs no process here");
        }
    }

    public ProcessKubelet start() {
        provisioner.start();
        // Leases every 10 s and the Ready condition every 30 s keep the node lifecycle controller from tainting
        // the nodes as unreachable.
        work.scheduleAtFixedRate(() -> nodes.keySet().forEach(this::renewLease), 10, 10, TimeUnit.SECONDS);
        work.scheduleAtFixedRate(() -> nodes.keySet().forEach(this::heartbeat), 30, 30, TimeUnit.SECONDS);
        pods = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                work.execute(() -> reconcile(pod));
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                work.execute(() -> reconcile(pod));
            }

            @Override
            public void onDelete(Pod pod, boolean unknown) {
                work.execute(() -> stopIfStillThisPod(pod, 0));
            }
        }, 30_000);
        return this;
    }

    /** The number of notebook processes this kubelet runs now. */
    public int runningPods() {
        return processes.count();
    }

    private void reconcile(Pod pod) {
        String node = pod.getSpec().getNodeName();
        if (node == null || !nodes.containsKey(node) || !(isNotebook(pod) || withoutProcess.test(pod))) {
            return;
        }
        // Events of one pod are handled one at a time: two at once would start its container twice.
        synchronized (podLocks.computeIfAbsent(key(pod), k -> new Object())) {
            reconcileAlone(pod);
        }
    }

    private void reconcileAlone(Pod pod) {
        String key = key(pod);
        try {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                long grace = pod.getMetadata().getDeletionGracePeriodSeconds() == null ? 30
                        : pod.getMetadata().getDeletionGracePeriodSeconds();
                stopIfStillThisPod(pod, grace);
                // The kubelet's last word: the pod is gone from the node, so the API server may forget it. Events
                // of a deleted pod can still be queued when a new pod of the same name exists: never remove that one.
                var resource = client.pods().inNamespace(pod.getMetadata().getNamespace())
                        .withName(pod.getMetadata().getName());
                Pod current = resource.get();
                if (current != null && current.getMetadata().getUid().equals(pod.getMetadata().getUid())) {
                    resource.withGracePeriod(0).delete();
                }
                return;
            }
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            String runningUid = runningUids.get(key);
            if (runningUid != null && !runningUid.equals(pod.getMetadata().getUid())) {
                // A pod of the same name was deleted and its process not yet stopped: it makes way for this one.
                runningUids.remove(key, runningUid);
                processes.stop(key, 0);
            }
            if (processes.has(key) || "Failed".equals(phase) || "Succeeded".equals(phase)) {
                return;
            }
            if (phase != null && !"Pending".equals(phase)) {
                return;
            }
            Failure failure = failures.remove(pod.getMetadata().getName());
            if (failure != null) {
                reportFailure(pod, failure);
                return;
            }
            if (!imagesPresent(pod)) {
                return;
            }
            if (!isNotebook(pod)) {
                if (runningUids.putIfAbsent(key, pod.getMetadata().getUid()) == null) {
                    reportStatus(key, freeIp(pod), true);
                }
                return;
            }
            String ip = podIps.computeIfAbsent(key, k -> freeIp(pod));
            runningUids.put(key, pod.getMetadata().getUid());
            processes.start(key, pod, ip, provisioner::hostFolder,
                    (exitCode, oom) -> reportExit(key, exitCode, oom),
                    () -> reportStatus(key, ip, true));
            reportStatus(key, ip, processes.readyAtStart(pod));
        } catch (KubernetesClientException | IOException e) {
            log.warn("pod {}: {}", key, e.getMessage());
        }
    }

    /**
     * The next pod IP on which nothing listens on the pod's port yet: other test runs on this machine (another
     * kubelet like this one, a notebook left over) may hold loopback addresses of the same network.
     */
    private String freeIp(Pod pod) {
        var ports = pod.getSpec().getContainers().get(0).getPorts();
        int port = ports == null || ports.isEmpty() ? 8888 : ports.get(0).getContainerPort();
        for (int tries = 0; tries < 250; tries++) {
            String candidate = podNetwork + nextIp.getAndIncrement();
            if (!PodProcesses.listening(candidate, port)) {
                return candidate;
            }
            log.info("pod IP {} is taken on port {} (another process on this machine): skipped", candidate, port);
        }
        throw new IllegalStateException("no free pod IP left in " + podNetwork + "0/24");
    }

    /**
     * True when every image of the pod is on its node. Otherwise starts the missing pulls (with their events) and
     * looks at the pod again when the last one ends.
     */
    private boolean imagesPresent(Pod pod) {
        if (pullDelay.isZero()) {
            return true;
        }
        String node = pod.getSpec().getNodeName();
        Instant now = Instant.now();
        Instant ready = now;
        List<io.fabric8.kubernetes.api.model.Container> containers = new ArrayList<>(pod.getSpec().getContainers());
        if (pod.getSpec().getInitContainers() != null) {
            containers.addAll(pod.getSpec().getInitContainers());
        }
        for (var container : containers) {
            String image = container.getImage();
            Instant at = pulledAt.computeIfAbsent(node + "/" + image, k -> now.plus(pullDelay));
            // As a real kubelet, every pod that waits for the image says so once, even when another pod's pull of it
            // is already under way.
            if (at.isAfter(now) && announcedPulls.add(pod.getMetadata().getUid() + "/" + image)) {
                event(pod, "Pulling", "Pulling image \"" + image + "\"", node);
                work.schedule(() -> event(pod, "Pulled", "Successfully pulled image \"" + image + "\"", node),
                        java.time.Duration.between(now, at).toMillis(), TimeUnit.MILLISECONDS);
            }
            if (at.isAfter(ready)) {
                ready = at;
            }
        }
        if (!ready.isAfter(now)) {
            return true;
        }
        String key = key(pod);
        work.schedule(() -> {
            Pod current = pods.getStore().getByKey(key);
            if (current != null) {
                reconcile(current);
            }
        }, java.time.Duration.between(now, ready).toMillis() + 10, TimeUnit.MILLISECONDS);
        return false;
    }

    /** Posts an event about the pod from this node's kubelet, as the real one does for pulls. */
    private void event(Pod pod, String reason, String message, String node) {
        String now = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT);
        try {
            client.v1().events().inNamespace(pod.getMetadata().getNamespace()).resource(
                    new io.fabric8.kubernetes.api.model.EventBuilder().withNewMetadata()
                            .withGenerateName(pod.getMetadata().getName() + ".").endMetadata()
                            .withNewInvolvedObject().withKind("Pod").withApiVersion("v1")
                            .withNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                            .withUid(pod.getMetadata().getUid())
                            .endInvolvedObject()
                            .withReason(reason).withMessage(message).withType("Normal").withCount(1)
                            .withFirstTimestamp(now).withLastTimestamp(now)
                            .withNewSource().withComponent("kubelet").withHost(node).endSource()
                            .build()).create();
        } catch (KubernetesClientException e) {
            log.warn("pod {}: could not post event {}: {}", key(pod), reason, e.getMessage());
        }
    }

    /** Stops the process of this pod, unless the process now running under its name is a newer pod's. */
    private void stopIfStillThisPod(Pod pod, long graceSeconds) {
        String key = key(pod);
        String uid = pod.getMetadata().getUid();
        if (runningUids.remove(key, uid)) {
            processes.stop(key, graceSeconds);
            podIps.remove(key);
        }
    }

    private void reportStatus(String key, String ip, boolean ready) {
        String[] nsName = key.split("/", 2);
        var resource = client.pods().inNamespace(nsName[0]).withName(nsName[1]);
        Pod current = resource.get();
        // A pod deleted and made again under its name (a StatefulSet's) must not inherit the old one's status.
        if (current == null || current.getMetadata().getDeletionTimestamp() != null
                || !current.getMetadata().getUid().equals(runningUids.get(key))) {
            return;
        }
        String now = now();
        String startedAt = current.getStatus() != null && current.getStatus().getStartTime() != null
                ? current.getStatus().getStartTime() : now;
        List<ContainerStatus> containers = new ArrayList<>();
        current.getSpec().getContainers().forEach(c -> containers.add(new ContainerStatusBuilder()
                .withName(c.getName()).withImage(c.getImage()).withImageID("process://" + c.getImage())
                .withContainerID("process://" + key + "/" + c.getName())
                .withReady(ready).withStarted(true).withRestartCount(0)
                .withNewState().withNewRunning().withStartedAt(startedAt).endRunning().endState()
                .build()));
        mergeStatus(resource, new PodStatusBuilder().withPhase("Running").withHostIP("127.0.0.1").withPodIP(ip)
                .withPodIPs(new PodIP(ip)).withStartTime(startedAt).withContainerStatuses(containers)
                .withConditions(condition("PodScheduled", true, now), condition("Initialized", true, now),
                        condition("ContainersReady", ready, now), condition("Ready", ready, now))
                .build());
    }

    private void reportExit(String key, int exitCode, boolean oom) {
        String[] nsName = key.split("/", 2);
        try {
            Pod current = client.pods().inNamespace(nsName[0]).withName(nsName[1]).get();
            if (current == null || current.getMetadata().getDeletionTimestamp() != null) {
                return;
            }
            String now = now();
            List<ContainerStatus> containers = new ArrayList<>();
            current.getSpec().getContainers().forEach(c -> containers.add(new ContainerStatusBuilder()
                    .withName(c.getName()).withImage(c.getImage()).withImageID("process://" + c.getImage())
                    .withReady(false).withStarted(false).withRestartCount(0)
                    .withNewState().withNewTerminated().withExitCode(exitCode)
                    .withReason(oom ? "OOMKilled" : exitCode == 0 ? "Completed" : "Error").withFinishedAt(now)
                    .endTerminated().endState().build()));
            mergeStatus(client.pods().inNamespace(nsName[0]).withName(nsName[1]), new PodStatusBuilder()
                    .withPhase(exitCode == 0 ? "Succeeded" : "Failed").withContainerStatuses(containers)
                    .withConditions(condition("PodScheduled", true, now), condition("Ready", false, now),
                            condition("ContainersReady", false, now))
                    .build());
        } catch (KubernetesClientException e) {
            log.warn("pod {}: could not report its exit: {}", key, e.getMessage());
        }
    }

    private void reportFailure(Pod pod, Failure failure) {
        String now = now();
        var container = pod.getSpec().getContainers().get(0);
        var state = new ContainerStatusBuilder().withName(container.getName()).withImage(container.getImage())
                .withImageID("").withReady(false).withStarted(false).withRestartCount(failure == Failure.CRASH_LOOP ? 3 : 0);
        switch (failure) {
            case IMAGE_PULL_ERROR -> state.withNewState().withNewWaiting().withReason("ErrImagePull")
                    .withMessage("failed to pull image \"" + container.getImage() + "\": not found")
                    .endWaiting().endState();
            case CRASH_LOOP -> state.withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                    .withMessage("back-off 40s restarting failed container").endWaiting().endState();
            case OOM_KILLED -> state.withNewState().withNewTerminated().withExitCode(137).withReason("OOMKilled")
                    .withFinishedAt(now).endTerminated().endState();
        }
        var containerStatus = state.build();
        mergeStatus(client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()),
                new PodStatusBuilder().withPhase(failure == Failure.OOM_KILLED ? "Failed" : "Pending")
                        .withContainerStatuses(containerStatus)
                        .withConditions(condition("PodScheduled", true, now), condition("Ready", false, now))
                        .build());
    }

    /**
     * A JSON merge patch of the status subresource: the scheduler and the node controllers write the same objects
     * concurrently, so a read-modify-write update would lose races with them.
     */
    private static <T> T mergeStatus(NonDeletingOperation<T> resource, Object status) {
        return resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                Serialization.asJson(Map.of("status", status)));
    }

    private static PodCondition condition(String type, boolean status, String now) {
        return new PodConditionBuilder().withType(type).withStatus(status ? "True" : "False")
                .withLastTransitionTime(now).build();
    }

    private static NodeCondition readyCondition() {
        String now = now();
        return new NodeConditionBuilder().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withMessage("process kubelet is posting ready status").withLastHeartbeatTime(now)
                .withLastTransitionTime(now).build();
    }

    private void heartbeat(String name) {
        try {
            mergeStatus(client.nodes().withName(name), Map.of("conditions", List.of(readyCondition())));
        } catch (KubernetesClientException e) {
            log.warn("node {}: heartbeat failed: {}", name, e.getMessage());
        }
    }

    private void renewLease(String name) {
        try {
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            var leases = client.leases().inNamespace("kube-node-lease");
            Lease lease = leases.withName(name).get();
            if (lease == null) {
                leases.resource(new LeaseBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                        .withHolderIdentity(name).withLeaseDurationSeconds(40).withRenewTime(now).endSpec()
                        .build()).create();
            } else {
                lease.getSpec().setRenewTime(now);
                leases.resource(lease).update();
            }
        } catch (KubernetesClientException e) {
            log.warn("node {}: lease renewal failed: {}", name, e.getMessage());
        }
    }

    /**
     * Only users' notebook pods run here; the chart's own hub and proxy pods stay bound but not started, because the
     * tests run the hub and the proxy as local processes with the chart's configuration and credentials.
     */
    private static boolean isNotebook(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels != null && labels.containsKey(NOTEBOOK_LABEL);
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private static String now() {
        return TIME.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    @Override
    public void close() {
        if (pods != null) {
            pods.close();
        }
        provisioner.close();
        work.shutdownNow();
        processes.close();
    }
}
