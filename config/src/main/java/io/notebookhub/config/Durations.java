package io.notebookhub.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of every configuration key and profile: a whole number of seconds ({@code 3600}) or
 * units in descending order, each at most once ({@code 90s}, {@code 30m}, {@code 2h}, {@code 7d}, {@code 1h30m},
 * {@code 250ms}, {@code 1m30s500ms}). {@link #parseSetting} also takes ISO-8601 ({@code PT30S}), which the
 * Kubernetes spawner's keys accepted before this grammar existed; profiles never did.
 */
public final class Durations {
    private static final Pattern UNITS =
            Pattern.compile("(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m(?!s))?(?:([0-9]+)s)?(?:([0-9]+)ms)?");
    private static final long[] UNIT_MILLIS = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    private static final String[] UNIT_NAMES = {"d", "h", "m", "s", "ms"};

    /** What an error message says the grammar is. */
    public static final String GRAMMAR = "seconds or a duration like 90s, 30m, 2h, 7d, 1h30m, 250ms";

    private Durations() {
    }

    public static Optional<Duration> parse(String text) {
        if (text.matches("[0-9]{1,15}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
        }
        Matcher m = UNITS.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            return Optional.empty();
        }
        Duration d = Duration.ZERO;
        try {
            for (int i = 0; i < UNIT_MILLIS.length; i++) {
                if (m.group(i + 1) != null) {
                    d = d.plusMillis(Math.multiplyExact(Long.parseLong(m.group(i + 1)), UNIT_MILLIS[i]));
                }
            }
        } catch (ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /** {@link #parse}, or ISO-8601 ({@code PT30S}, {@code P1D}) as configuration keys have always accepted it. */
    public static Optional<Duration> parseSetting(String text) {
        String t = text.trim();
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                return Optional.of(Duration.parse(t));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        return parse(t.replace(" ", ""));
    }

    /** The compact form {@link #parse} reads back: {@code 1h30m}, {@code 45s}, {@code 250ms}, {@code 0s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < UNIT_MILLIS.length; i++) {
            if (ms >= UNIT_MILLIS[i]) {
                out.append(ms / UNIT_MILLIS[i]).append(UNIT_NAMES[i]);
                ms %= UNIT_MILLIS[i];
            }
        }
        return out.toString();
    }
}
