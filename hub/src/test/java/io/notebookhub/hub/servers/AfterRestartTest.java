package io.notebookhub.hub.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AfterRestartTest {

    @Test
    void stateReadBackFromTheStoreEqualsWhatWasWrittenSoAnAdoptedServerIsNotRewritten() {
        assertThat(AfterRestart.sameJson(Map.of("pid", 1234L, "port", 40001, "marker", "m"),
                Map.of("pid", 1234, "port", 40001L, "marker", "m"))).isTrue();
    }

    @Test
    void stringStateOfAnEarlierVersionDiffersSoAdoptionRecordsTheTypedState() {
        assertThat(AfterRestart.sameJson(Map.of("pid", 1234L), Map.of("pid", "1234"))).isFalse();
        assertThat(AfterRestart.sameJson(Map.of("pid", 1234L), Map.of("pid", 1234L, "port", 1))).isFalse();
    }
}
