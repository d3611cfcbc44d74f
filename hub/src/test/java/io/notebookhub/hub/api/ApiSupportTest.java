package io.notebookhub.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiSupportTest {
    private static final DateTimeFormatter REFERENCE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    @Test
    void timestampsAreWrittenAsJupyterHubWritesThemToTheMicrosecond() {
        for (Instant i : List.of(Instant.parse("2026-01-02T03:04:05Z"), Instant.parse("2024-12-31T23:59:59.999999999Z"),
                Instant.parse("1999-07-08T09:10:11.000123Z"), Instant.parse("2026-11-21T06:28:26.24446Z"),
                Instant.ofEpochSecond(0))) {
            assertThat(ApiSupport.iso(i)).as(i.toString()).isEqualTo(REFERENCE.format(i));
        }
        assertThat(ApiSupport.iso(Instant.parse("2026-01-02T03:04:05.5Z"))).isEqualTo("2026-01-02T03:04:05.500000Z");
        assertThat(ApiSupport.iso(null)).isNull();
    }

    @Test
    void timestampsAreReadWithOrWithoutAnOffset() {
        assertThat(ApiSupport.parseIso("2026-01-02T03:04:05.123456Z")).isEqualTo("2026-01-02T03:04:05.123456Z");
        assertThat(ApiSupport.parseIso("2026-01-02T05:04:05+02:00")).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(ApiSupport.parseIso("2026-01-02T03:04:05")).isEqualTo("2026-01-02T03:04:05Z");
    }
}
