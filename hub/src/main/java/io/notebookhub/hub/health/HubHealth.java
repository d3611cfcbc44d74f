package io.notebookhub.hub.health;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** The checks behind {@code /hub/health}; components add theirs as they start. */
public final class HubHealth {
    private final List<HealthCheck> checks = new CopyOnWriteArrayList<>();

    public void add(HealthCheck check) {
        checks.add(check);
    }

    /** The reasons the hub is unhealthy now; empty when it is healthy. */
    public List<String> problems() {
        return checks.stream().map(HealthCheck::problem).flatMap(Optional::stream).toList();
    }
}
