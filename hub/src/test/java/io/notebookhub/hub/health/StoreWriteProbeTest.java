package io.notebookhub.hub.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.store.H2HubStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreWriteProbeTest {
    @TempDir
    Path dir;

    /** A clock the test moves by hand. */
    static final class Hand extends Clock {
        Instant now = Instant.parse("2026-01-01T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aStoreThatCannotBeWrittenMakesTheHubUnhealthyWithTheReasonAndRecoveryClearsIt() {
        H2HubStore store = H2HubStore.open(dir);
        StoreWriteProbe probe = new StoreWriteProbe(store, Clock.systemUTC(), Duration.ofSeconds(10));
        HubHealth health = new HubHealth();
        health.add(probe);
        probe.probe();
        assertThat(health.problems()).isEmpty();

        store.close();
        probe.probe();
        assertThat(health.problems()).singleElement().asString().startsWith("the store cannot be written: ");

        try (H2HubStore reopened = H2HubStore.open(dir)) {
            StoreWriteProbe again = new StoreWriteProbe(reopened, Clock.systemUTC(), Duration.ofSeconds(10));
            again.probe();
            assertThat(again.problem()).isEmpty();
        }
    }

    @Test
    void noSuccessfulWriteForThreePeriodsCountsAsAProblemEvenWithoutAFailure() {
        Hand clock = new Hand();
        try (H2HubStore store = H2HubStore.open(dir)) {
            StoreWriteProbe probe = new StoreWriteProbe(store, clock, Duration.ofSeconds(10));
            probe.probe();
            clock.now = clock.now.plusSeconds(29);
            assertThat(probe.problem()).isEmpty();
            clock.now = clock.now.plusSeconds(2);
            assertThat(probe.problem()).get().asString().contains("no write to the store has succeeded for 31 s");
        }
    }

    @Test
    void everyChecksProblemIsReported() {
        HubHealth health = new HubHealth();
        health.add(Optional::empty);
        health.add(() -> Optional.of("the pod watch stopped"));
        assertThat(health.problems()).containsExactly("the pod watch stopped");
    }
}
