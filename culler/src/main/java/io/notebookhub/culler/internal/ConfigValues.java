package io.notebookhub.culler.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed reads of a parsed YAML map; every error names the key. */
public final class ConfigValues {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*([smhd]?)");

    private final Map<String, ?> values;

    public ConfigValues(Map<String, ?> values) {
        this.values = values;
    }

    public Duration duration(String key, Duration fallback) {
        Object v = values.get(key);
        return v == null ? fallback : parseDuration(key, v);
    }

    public boolean bool(String key, boolean fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim().toLowerCase();
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException(key + ": expected true or false, got '" + v + "'");
    }

    public int integer(String key, int fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Integer i) {
            return i;
        }
        try {
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": expected a whole number, got '" + v + "'", e);
        }
    }

    public String string(String key, String fallback) {
        Object v = values.get(key);
        return v == null ? fallback : v.toString().trim();
    }

    public Map<String, Duration> durationMap(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(key + ": expected a map of profile slug to duration, got '" + v + "'");
        }
        Map<String, Duration> out = new LinkedHashMap<>();
        m.forEach((slug, d) -> out.put(slug.toString(), parseDuration(key + "." + slug, d)));
        return out;
    }

    public Set<String> stringSet(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Set.of();
        }
        if (!(v instanceof Collection<?> c)) {
            throw new IllegalArgumentException(key + ": expected a list, got '" + v + "'");
        }
        Set<String> out = new LinkedHashSet<>();
        c.forEach(item -> out.add(item.toString().trim()));
        return out;
    }

    /** Seconds as a number, or a string: {@code 3600}, {@code 45s}, {@code 90m}, {@code 2h}, {@code 1d}. */
    public static Duration parseDuration(String key, Object value) {
        if (value instanceof Number n) {
            return Duration.ofSeconds(n.longValue());
        }
        Matcher m = DURATION.matcher(value.toString().trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(key + ": expected seconds or a duration like 90m, 2h, 1d; got '" + value + "'");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofSeconds(amount);
        };
    }
}
