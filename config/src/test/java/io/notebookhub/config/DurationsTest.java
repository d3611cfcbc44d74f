package io.notebookhub.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"3600, 3600", "90s, 90", "30m, 1800", "2h, 7200", "1h30m, 5400", "7d, 604800", "1d2h3m4s, 93784"})
    void parsesSecondsAndUnits(String text, long seconds) {
        assertThat(Durations.parse(text)).contains(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30 minutes", "1.5h", "30m1h", "h", "", "-5", "PT1H"})
    void rejectsAnythingElse(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"45s", "20m", "1h30m", "2d1h", "0s"})
    void formatsWhatItParses(String text) {
        assertThat(Durations.format(Durations.parse(text).orElseThrow())).isEqualTo(text);
    }
}
