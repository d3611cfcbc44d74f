package io.notebookhub.hub.web;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Times as people read them ("3 minutes ago"), with the exact ISO time kept for the page's {@code title} and
 * {@code datetime} attributes; hub.js recomputes the text in the browser every minute with the same rules.
 */
public final class RelativeTime {
    private RelativeTime() {
    }

    public static String ago(Instant then, Instant now) {
        long seconds = Duration.between(then, now).getSeconds();
        boolean future = seconds < 0;
        long s = Math.abs(seconds);
        if (s < 45) {
            return future ? "in a few seconds" : "just now";
        }
        String amount;
        if (s < 90 * 60) {
            amount = plural(Math.max(1, Math.round(s / 60.0)), "minute");
        } else if (s < 36 * 3600) {
            amount = plural(Math.round(s / 3600.0), "hour");
        } else if (s < 45L * 86400) {
            amount = plural(Math.round(s / 86400.0), "day");
        } else if (s < 365L * 86400) {
            amount = plural(Math.round(s / (30.0 * 86400)), "month");
        } else {
            amount = plural(Math.round(s / (365.0 * 86400)), "year");
        }
        return future ? "in " + amount : amount + " ago";
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /** A template's view of a time: {@code iso} (UTC, seconds) and {@code ago}; null when there is no time. */
    public static Map<String, String> of(Instant then, Instant now) {
        if (then == null) {
            return null;
        }
        Map<String, String> t = new LinkedHashMap<>();
        t.put("iso", then.truncatedTo(ChronoUnit.SECONDS).toString());
        t.put("ago", ago(then, now));
        return t;
    }
}
