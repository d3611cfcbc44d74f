package io.notebookhub.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {
    @ParameterizedTest
    @CsvSource({
            "500m, 0.5", "1, 1", "1.5, 1.5", ".5, 0.5", "2k, 2000", "1Ki, 1024", "2Gi, 2147483648", "1G, 1000000000",
            "1e3, 1000", "1E3, 1000", "1E, 1000000000000000000", "100Mi, 104857600", "+2, 2", "0, 0"})
    void parsesQuantitiesAsKubernetesDoes(String text, String value) {
        assertThat(Quantities.parse(text)).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo(new BigDecimal(value)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2GB", "2gi", "1 Gi", "Gi", "", "1.2.3", "1e", "0x10", "m", "1mi", "two"})
    void rejectsWhatKubernetesRejects(String text) {
        assertThat(Quantities.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"2Gi, 2G, 1", "1000m, 1, 0", "500m, 1, -1", "1024Mi, 1Gi, 0"})
    void comparesAcrossUnits(String a, String b, int sign) {
        assertThat(Integer.signum(Quantities.compare(a, b))).isEqualTo(sign);
    }
}
