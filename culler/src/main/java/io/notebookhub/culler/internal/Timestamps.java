package io.notebookhub.culler.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** ISO-8601 timestamps as Jupyter writes them: {@code Z}, an offset, or (old JupyterHub) no zone meaning UTC. */
public final class Timestamps {
    private Timestamps() {}

    /** @return the instant, or null for null or empty input */
    public static Instant parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException withoutZone) {
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        }
    }

    /** The later of two instants, either of which may be null. */
    public static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || !b.isAfter(a) ? a : b;
    }
}
