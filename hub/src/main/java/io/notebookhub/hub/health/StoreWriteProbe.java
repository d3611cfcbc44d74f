package io.notebookhub.hub.health;

import io.notebookhub.hub.store.HubStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one row to the store every few seconds (never per health request) and reports a problem when the last
 * write failed, or when no write has succeeded for three periods (a write that hangs on a full disk or a lost
 * database server does not fail, it just never returns).
 */
public final class StoreWriteProbe implements HealthCheck {
    private static final Logger log = LoggerFactory.getLogger(StoreWriteProbe.class);

    private final HubStore store;
    private final Clock clock;
    private final Duration period;
    private volatile Instant lastSuccess;
    private volatile String lastFailure;

    public StoreWriteProbe(HubStore store, Clock clock, Duration period) {
        this.store = store;
        this.clock = clock;
        this.period = period;
        this.lastSuccess = clock.instant();
    }

    public Duration period() {
        return period;
    }

    /** One probe; blocking, so it runs on a worker thread. */
    public void probe() {
        try {
            store.probeWrite();
            if (lastFailure != null) {
                log.info("the store takes writes again");
            }
            lastFailure = null;
            lastSuccess = clock.instant();
        } catch (RuntimeException e) {
            if (lastFailure == null) {
                log.error("the store cannot be written: {}", e.getMessage());
            }
            lastFailure = e.getMessage() == null ? e.toString() : e.getMessage().strip();
        }
    }

    @Override
    public Optional<String> problem() {
        String failure = lastFailure;
        if (failure != null) {
            return Optional.of("the store cannot be written: " + failure);
        }
        Duration since = Duration.between(lastSuccess, clock.instant());
        if (since.compareTo(period.multipliedBy(3)) > 0) {
            return Optional.of("no write to the store has succeeded for " + since.toSeconds() + " s");
        }
        return Optional.empty();
    }
}
