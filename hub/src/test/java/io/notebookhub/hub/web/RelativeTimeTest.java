package io.notebookhub.hub.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RelativeTimeTest {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    static String ago(Duration d) {
        return RelativeTime.ago(NOW.minus(d), NOW);
    }

    @Test
    void readsAsPeopleSayIt() {
        assertThat(ago(Duration.ofSeconds(10))).isEqualTo("just now");
        assertThat(ago(Duration.ofSeconds(50))).isEqualTo("1 minute ago");
        assertThat(ago(Duration.ofMinutes(3))).isEqualTo("3 minutes ago");
        assertThat(ago(Duration.ofMinutes(80))).isEqualTo("80 minutes ago");
        assertThat(ago(Duration.ofHours(2))).isEqualTo("2 hours ago");
        assertThat(ago(Duration.ofHours(30))).isEqualTo("30 hours ago");
        assertThat(ago(Duration.ofDays(3))).isEqualTo("3 days ago");
        assertThat(ago(Duration.ofDays(90))).isEqualTo("3 months ago");
        assertThat(ago(Duration.ofDays(800))).isEqualTo("2 years ago");
        assertThat(ago(Duration.ofMinutes(-5))).isEqualTo("in 5 minutes");
    }

    @Test
    void keepsTheExactTimeInIsoForTheTitle() {
        var t = RelativeTime.of(Instant.parse("2026-03-01T11:57:00.123456Z"), NOW);
        assertThat(t).containsEntry("iso", "2026-03-01T11:57:00Z").containsEntry("ago", "3 minutes ago");
        assertThat(RelativeTime.of(null, NOW)).isNull();
    }
}
