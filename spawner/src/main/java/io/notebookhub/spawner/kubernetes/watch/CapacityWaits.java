package io.notebookhub.spawner.kubernetes.watch;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a starting pod waits for, in words for the person waiting: an image pull on a named node, the eviction of a
 * placeholder, a node the cluster autoscaler is adding (or will not add). Pure, like {@link PodFailures}.
 */
public final class CapacityWaits {
    private static final Pattern QUOTED_IMAGE = Pattern.compile("image \"([^\"]+)\"");

    private CapacityWaits() {}

    /** The progress line for an event about the pod, or empty when its own "reason: message" says enough. */
    public static Optional<String> describe(Event event) {
        String reason = event.getReason() == null ? "" : event.getReason();
        String message = event.getMessage() == null ? "" : event.getMessage();
        return switch (reason) {
            case "Pulling" -> Optional.of("Pulling image " + image(message) + node(event));
            case "Pulled" -> Optional.of(message.contains("already present")
                    ? "Image " + image(message) + " is already on the node"
                    : "Pulled image " + image(message) + node(event));
            case "TriggeredScaleUp" -> Optional.of("Waiting for the autoscaler to add a node (" + message + ")");
            case "NotTriggerScaleUp" -> Optional.of("The autoscaler will not add a node for this server ("
                    + message + ")");
            default -> Optional.empty();
        };
    }

    /**
     * While the scheduler evicts lower-priority pods to make room (it names the node in the pod's
     * {@code nominatedNodeName} before it binds): with the chart's classes those are user placeholders.
     */
    public static Optional<String> preempting(Pod pod) {
        if (pod == null || pod.getStatus() == null || pod.getStatus().getNominatedNodeName() == null
                || pod.getStatus().getNominatedNodeName().isEmpty()
                || (pod.getSpec() != null && pod.getSpec().getNodeName() != null)) {
            return Optional.empty();
        }
        return Optional.of("Preempting a lower-priority pod (a placeholder) on node "
                + pod.getStatus().getNominatedNodeName() + " to make room");
    }

    private static String image(String message) {
        Matcher m = QUOTED_IMAGE.matcher(message);
        return m.find() ? m.group(1) : message;
    }

    private static String node(Event event) {
        String host = event.getSource() != null ? event.getSource().getHost() : null;
        if (host == null || host.isEmpty()) {
            host = event.getReportingInstance();
        }
        return host == null || host.isEmpty() ? "" : " on node " + host;
    }
}
