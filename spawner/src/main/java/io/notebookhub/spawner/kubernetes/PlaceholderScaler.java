package io.notebookhub.spawner.kubernetes;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets each placeholder StatefulSet's replicas to what its schedule says for now, once at start and then every
 * minute. A JSON merge patch of {@code spec.replicas} alone: the chart grants the hub {@code patch} on those
 * StatefulSets by name and nothing else, and a patch that changes nothing is no write at all.
 */
final class PlaceholderScaler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlaceholderScaler.class);
    private static final long PERIOD_MS = 60_000;

    private final Kube kube;
    private final List<PlaceholderSchedule> schedules;
    private final Clock clock;
    private long timer = -1;

    PlaceholderScaler(Kube kube, List<PlaceholderSchedule> schedules, Clock clock) {
        this.kube = kube;
        this.schedules = schedules;
        this.clock = clock;
    }

    void start() {
        if (schedules.isEmpty()) {
            return;
        }
        applyAll();
        timer = kube.vertx().setPeriodic(PERIOD_MS, t -> applyAll());
    }

    /** Applies every schedule for this moment; completes when all patches are answered. */
    Future<Void> applyAll() {
        ZonedDateTime now = ZonedDateTime.now(clock);
        return Future.join(schedules.stream().map(s -> apply(s, s.replicasAt(now))).toList()).mapEmpty();
    }

    private Future<Void> apply(PlaceholderSchedule schedule, int replicas) {
        String namespace = kube.config().namespace();
        return kube.api().call("scale placeholders " + schedule.statefulSet(), () -> kube.client().apps()
                        .statefulSets().inNamespace(namespace).withName(schedule.statefulSet())
                        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + replicas + "}}"))
                .onSuccess(set -> log.debug("placeholders {}: {} replicas", schedule.statefulSet(), replicas))
                .onFailure(e -> log.warn("placeholders {} could not be set to {} replicas (retried in a minute): {}",
                        schedule.statefulSet(), replicas, e.getMessage()))
                .mapEmpty();
    }

    @Override
    public void close() {
        if (timer >= 0) {
            kube.vertx().cancelTimer(timer);
        }
    }
}
