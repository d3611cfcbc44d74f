package io.notebookhub.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"3600, 3600000", "90s, 90000", "30m, 1800000", "2h, 7200000", "1h30m, 5400000", "7d, 604800000",
            "1d2h3m4s, 93784000", "250ms, 250", "1m30s500ms, 90500", "5m, 300000"})
    void parsesSecondsAndUnits(String text, long millis) {
        assertThat(Durations.parse(text)).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource({"PT30S, 30", "pt2m, 120", "P1D, 86400", "1h 30m, 5400", "90, 90"})
    void settingsAlsoTakeIsoAsTheyAlwaysDid(String text, long seconds) {
        assertThat(Durations.parseSetting(text)).contains(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "PTsoon", "1.5h", "30m1h", "99999999999999999999d"})
    void settingsRefuseWhatIsNeitherGrammar(String text) {
        assertThat(Durations.parseSetting(text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"30 minutes", "1.5h", "30m1h", "h", "", "-5", "PT1H"})
    void rejectsAnythingElse(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"45s", "20m", "1h30m", "2d1h", "0s", "1s250ms"})
    void formatsWhatItParses(String text) {
        assertThat(Durations.format(Durations.parse(text).orElseThrow())).isEqualTo(text);
    }
}
