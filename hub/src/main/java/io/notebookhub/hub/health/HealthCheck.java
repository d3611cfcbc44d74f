package io.notebookhub.hub.health;

import java.util.Optional;

/**
 * One thing the hub depends on that can break while it runs: the store, a watch on the cluster. {@code /hub/health}
 * answers 503 while any check reports a problem, so Kubernetes restarts a broken hub instead of leaving it serving a
 * frozen view. Checks answer from what they last observed: a health request must never wait on I/O.
 */
@FunctionalInterface
public interface HealthCheck {
    /** Empty while healthy; otherwise the reason, for a person reading the probe's answer or the log. */
    Optional<String> problem();
}
