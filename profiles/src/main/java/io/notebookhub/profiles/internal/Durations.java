package io.notebookhub.profiles.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as admins write them: a whole number of seconds ({@code 3600}) or units in descending order
 * ({@code "90s"}, {@code "30m"}, {@code "2h"}, {@code "1h30m"}, {@code "7d"}).
 */
public final class Durations {
    private static final Pattern UNITS = Pattern.compile("(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?");

    private Durations() {
    }

    public static Optional<Duration> parse(String text) {
        if (text.matches("[0-9]+")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
        }
        Matcher m = UNITS.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            return Optional.empty();
        }
        Duration d = Duration.ZERO;
        long[] unitSeconds = {86_400, 3_600, 60, 1};
        for (int i = 0; i < 4; i++) {
            if (m.group(i + 1) != null) {
                d = d.plusSeconds(Long.parseLong(m.group(i + 1)) * unitSeconds[i]);
            }
        }
        return Optional.of(d);
    }

    /** The compact form {@link #parse} reads back: {@code 1h30m}, {@code 45s}, {@code 0s}. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (s == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long[] unitSeconds = {86_400, 3_600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < 4; i++) {
            if (s >= unitSeconds[i]) {
                out.append(s / unitSeconds[i]).append(units[i]);
                s %= unitSeconds[i];
            }
        }
        return out.toString();
    }
}
