package io.notebookhub.spawner.kubernetes.watch;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.notebookhub.spawner.kubernetes.model.PodManifests;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a pod (and the events about it) and says, in words for the person waiting, whether its spawn
 * has failed for good. Pure: the same pod gives the same answer, so tests feed it objects directly.
 */
public final class PodFailures {
    /** Waiting reasons that do not fix themselves: retrying only delays the bad news. */
    private static final Set<String> IMAGE_REASONS =
            Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");
    private static final Set<String> CONFIG_REASONS = Set.of("CreateContainerConfigError", "CreateContainerError");
    private static final Set<String> SCALE_UP_REASONS = Set.of("TriggeredScaleUp");
    private static final java.util.regex.Pattern INSUFFICIENT = java.util.regex.Pattern.compile("Insufficient (\\S+?)[,.]?(?=\\s|$)");
    private static final java.util.regex.Pattern TAINT =
            java.util.regex.Pattern.compile("taint(?:\\(s\\)|s)? \\{([^:}]+)");

    private PodFailures() {}

    /** The reason the spawn of {@code pod} cannot succeed, or empty while it still may. */
    public static Optional<String> classify(Pod pod, List<Event> events, boolean failOnUnschedulable) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        String phase = pod.getStatus().getPhase();
        Optional<ContainerStatus> container = container(pod);
        if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
            Optional<String> oom = outOfMemory(pod);
            if (oom.isPresent()) {
                return Optional.of(oom.get().replace(" and was stopped.", " while starting and was stopped."));
            }
            return Optional.of("Your server stopped before it was ready" + exitDetail(container) + ".");
        }
        if (container.isPresent()) {
            ContainerStatus c = container.get();
            ContainerStateWaiting waiting = c.getState() == null ? null : c.getState().getWaiting();
            if (waiting != null && IMAGE_REASONS.contains(waiting.getReason())) {
                return Optional.of("The image " + c.getImage() + " could not be pulled (" + waiting.getReason()
                        + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage()) + ").");
            }
            if (waiting != null && CONFIG_REASONS.contains(waiting.getReason())) {
                return Optional.of("Your server's container could not be created (" + waiting.getReason()
                        + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage()) + ").");
            }
            if (waiting != null && "CrashLoopBackOff".equals(waiting.getReason())) {
                return Optional.of("Your server keeps crashing" + exitDetail(container) + "; check its logs.");
            }
        }
        if (failOnUnschedulable) {
            boolean scalingUp = events.stream().anyMatch(e -> SCALE_UP_REASONS.contains(e.getReason()));
            Optional<String> unschedulable = unschedulable(pod);
            if (unschedulable.isPresent() && !scalingUp) {
                return Optional.of("No node can run your server: " + unschedulable.get());
            }
        }
        return Optional.empty();
    }

    /**
     * The scheduler's message while no node fits the pod (the cluster autoscaler may still add one), or empty when
     * the pod is scheduled or waits only for its volume.
     */
    public static Optional<String> unschedulable(Pod pod) {
        if (pod == null || pod.getStatus() == null) {
            return Optional.empty();
        }
        return condition(pod, "PodScheduled")
                .filter(c -> "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason()))
                .map(PodCondition::getMessage)
                .filter(m -> !waitsForVolume(m))
                .map(m -> m == null ? "" : m);
    }

    /**
     * What no node offered, in words, from the scheduler's message ("0/3 nodes are available: 1 Insufficient
     * nvidia.com/gpu, 2 node(s) had untolerated taint {nvidia.com/gpu: }. preemption: ..."): "a free
     * nvidia.com/gpu", "a node without the taint nvidia.com/gpu", "a node matching the server's node selector".
     */
    public static String missing(String schedulerMessage) {
        String m = schedulerMessage == null ? "" : schedulerMessage;
        int preemption = m.indexOf(". preemption:");
        String reasons = preemption >= 0 ? m.substring(0, preemption) : m;
        java.util.LinkedHashSet<String> wanted = new java.util.LinkedHashSet<>();
        java.util.regex.Matcher insufficient = INSUFFICIENT.matcher(reasons);
        while (insufficient.find()) {
            wanted.add("a free " + insufficient.group(1));
        }
        java.util.regex.Matcher taint = TAINT.matcher(reasons);
        while (taint.find()) {
            wanted.add("no taint " + taint.group(1) + " (or a toleration for it)");
        }
        if (reasons.contains("node affinity/selector")) {
            wanted.add("the labels of the server's node selector or affinity");
        }
        if (wanted.isEmpty()) {
            return "room for your server (" + m + ")";
        }
        return String.join(" and ", wanted);
    }

    /** The progress line while the pod waits for a node. */
    public static String waitingForNode(String schedulerMessage) {
        return "Waiting for a node with " + missing(schedulerMessage) + " (the cluster may be adding one)";
    }

    /**
     * Why a pod's container ran out of memory, with its limit when it has one ("Your server ran out of memory (limit
     * 4Gi) and was stopped."); empty when it was not OOM-killed.
     */
    public static Optional<String> outOfMemory(Pod pod) {
        if (pod == null || pod.getStatus() == null) {
            return Optional.empty();
        }
        Optional<ContainerStatus> container = container(pod);
        boolean oom = container.map(c -> {
            ContainerStateTerminated now = c.getState() == null ? null : c.getState().getTerminated();
            ContainerStateTerminated last = c.getLastState() == null ? null : c.getLastState().getTerminated();
            return (now != null && "OOMKilled".equals(now.getReason()))
                    || (last != null && "OOMKilled".equals(last.getReason()));
        }).orElse(false);
        if (!oom) {
            return Optional.empty();
        }
        String limit = pod.getSpec() == null ? null : pod.getSpec().getContainers().stream()
                .filter(c -> PodManifests.CONTAINER.equals(c.getName()))
                .findFirst()
                .map(c -> c.getResources() == null || c.getResources().getLimits() == null ? null
                        : c.getResources().getLimits().get("memory"))
                .map(q -> q.toString())
                .orElse(null);
        return Optional.of("Your server ran out of memory" + (limit == null ? "" : " (limit " + limit + ")")
                + " and was stopped.");
    }

    /**
     * A new user's PVC may still be provisioning when the scheduler first looks at the pod ("pod has unbound
     * immediate PersistentVolumeClaims"), or just bound to a volume the scheduler's cache has not seen yet
     * ("persistentvolume ... not found"); the scheduler retries by itself, so neither is a failure.
     */
    private static boolean waitsForVolume(String message) {
        String m = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
        return m.contains("persistentvolume") || m.contains("volume binding");
    }

    /** The address of the server when the pod is Running, its container ready and its IP known. */
    public static Optional<String> readyUrl(Pod pod, int port) {
        if (pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase())
                || pod.getStatus().getPodIP() == null || pod.getMetadata().getDeletionTimestamp() != null) {
            return Optional.empty();
        }
        boolean ready = container(pod).map(c -> Boolean.TRUE.equals(c.getReady())).orElse(false);
        return ready ? Optional.of("http://" + pod.getStatus().getPodIP() + ":" + port) : Optional.empty();
    }

    /** A pod that has ended or is being deleted: it will not serve again. */
    public static boolean isTerminal(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return true;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Failed".equals(phase) || "Succeeded".equals(phase);
    }

    /** Where a pod is stuck, for a timeout message ("phase Pending, PodScheduled: ...; container waiting ..."). */
    public static String describe(Pod pod) {
        if (pod == null) {
            return "the pod is gone";
        }
        if (pod.getStatus() == null || pod.getStatus().getPhase() == null) {
            return "the pod has no status yet";
        }
        StringBuilder sb = new StringBuilder("pod phase ").append(pod.getStatus().getPhase());
        condition(pod, "PodScheduled").filter(c -> "False".equals(c.getStatus()))
                .ifPresent(c -> sb.append(", not scheduled: ").append(c.getMessage()));
        container(pod).ifPresent(c -> {
            if (c.getState() != null && c.getState().getWaiting() != null) {
                sb.append(", container waiting: ").append(c.getState().getWaiting().getReason());
            } else if (!Boolean.TRUE.equals(c.getReady())) {
                sb.append(", container not ready");
            }
        });
        return sb.toString();
    }

    private static String exitDetail(Optional<ContainerStatus> container) {
        if (container.isEmpty()) {
            return "";
        }
        ContainerStatus c = container.get();
        ContainerStateTerminated t = c.getState() != null && c.getState().getTerminated() != null
                ? c.getState().getTerminated()
                : c.getLastState() != null ? c.getLastState().getTerminated() : null;
        if (t == null) {
            return "";
        }
        return " (exit code " + t.getExitCode() + (t.getReason() == null ? "" : ", " + t.getReason())
                + (t.getMessage() == null ? "" : ": " + t.getMessage()) + ")";
    }

    private static Optional<ContainerStatus> container(Pod pod) {
        List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
        if (statuses == null) {
            return Optional.empty();
        }
        return statuses.stream().filter(c -> PodManifests.CONTAINER.equals(c.getName())).findFirst();
    }

    private static Optional<PodCondition> condition(Pod pod, String type) {
        List<PodCondition> conditions = pod.getStatus().getConditions();
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }
}
