package io.notebookhub.spawner.kubernetes;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How many user placeholders one StatefulSet should run over the week: {@code replicas} outside every window, a
 * window's own count inside it (the first window that matches wins), in {@code timezone}. The hub applies it, so
 * placeholders can follow peak hours without a CronJob.
 *
 * @param statefulSet the placeholder StatefulSet the chart rendered
 * @param replicas the count outside every window
 * @param timezone the zone the windows' times are in
 * @param windows the peak hours
 */
public record PlaceholderSchedule(String statefulSet, int replicas, ZoneId timezone, List<Window> windows) {

    /**
     * One window: on {@code days} (every day when empty), from {@code from} until {@code to}; a window whose end is
     * before its start runs past midnight into the next day.
     */
    public record Window(Set<DayOfWeek> days, LocalTime from, LocalTime to, int replicas) {
        public Window {
            days = days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(days);
        }

        boolean contains(ZonedDateTime t) {
            LocalTime time = t.toLocalTime();
            if (!from.isAfter(to)) {
                return days.contains(t.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(to);
            }
            // Overnight: the part after midnight belongs to the day the window started.
            return (days.contains(t.getDayOfWeek()) && !time.isBefore(from))
                    || (days.contains(t.getDayOfWeek().minus(1)) && time.isBefore(to));
        }
    }

    public PlaceholderSchedule {
        windows = List.copyOf(windows);
    }

    /** The count for this moment. */
    public int replicasAt(ZonedDateTime now) {
        ZonedDateTime local = now.withZoneSameInstant(timezone);
        return windows.stream().filter(w -> w.contains(local)).findFirst().map(Window::replicas).orElse(replicas);
    }

    /**
     * Reads the config's list ({@code stateful_set}, {@code replicas}, {@code timezone}, {@code windows} of
     * {@code days}, {@code from}, {@code to}, {@code replicas}); a bad entry throws naming its place under {@code key}.
     */
    public static List<PlaceholderSchedule> fromConfig(Object raw, String key) {
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> list)) {
            throw new IllegalArgumentException(key + " must be a list, got: " + raw);
        }
        List<PlaceholderSchedule> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = key + "[" + i + "]";
            if (list.get(i) instanceof PlaceholderSchedule ready) {
                out.add(ready);
                continue;
            }
            Map<?, ?> item = mapping(list.get(i), at);
            known(item, at, Set.of("stateful_set", "replicas", "timezone", "windows"));
            String name = text(item.get("stateful_set"), at + ".stateful_set");
            int replicas = count(item.get("replicas"), at + ".replicas");
            ZoneId zone;
            try {
                zone = ZoneId.of(item.get("timezone") == null ? "UTC" : item.get("timezone").toString());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(at + ".timezone must be a zone such as Europe/Berlin or UTC, got: "
                        + item.get("timezone"));
            }
            List<Window> windows = new ArrayList<>();
            Object rawWindows = item.get("windows");
            List<?> windowList = rawWindows == null ? List.of() : rawWindows instanceof List<?> l ? l : null;
            if (windowList == null) {
                throw new IllegalArgumentException(at + ".windows must be a list, got: " + rawWindows);
            }
            for (int j = 0; j < windowList.size(); j++) {
                windows.add(window(windowList.get(j), at + ".windows[" + j + "]"));
            }
            out.add(new PlaceholderSchedule(name, replicas, zone, windows));
        }
        return List.copyOf(out);
    }

    private static Window window(Object raw, String at) {
        Map<?, ?> w = mapping(raw, at);
        known(w, at, Set.of("days", "from", "to", "replicas"));
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        Object rawDays = w.get("days");
        if (rawDays != null) {
            if (!(rawDays instanceof List<?> l)) {
                throw new IllegalArgumentException(at + ".days must be a list such as [Mon, Tue], got: " + rawDays);
            }
            for (Object d : l) {
                days.add(day(String.valueOf(d), at + ".days"));
            }
        }
        return new Window(days, time(w.get("from"), at + ".from"), time(w.get("to"), at + ".to"),
                count(w.get("replicas"), at + ".replicas"));
    }

    private static DayOfWeek day(String name, String at) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (n.length() >= 3 && d.name().startsWith(n)) {
                return d;
            }
        }
        throw new IllegalArgumentException(at + " has " + name + ", not a day (Mon, Tue, ... or Monday, ...)");
    }

    private static LocalTime time(Object raw, String at) {
        try {
            return LocalTime.parse(text(raw, at));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(at + " must be a time of day such as 08:00, got: " + raw);
        }
    }

    private static int count(Object raw, String at) {
        if (raw instanceof Number n && n.intValue() >= 0 && n.doubleValue() == n.intValue()) {
            return n.intValue();
        }
        try {
            int v = Integer.parseInt(String.valueOf(raw).trim());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(at + " must be a whole number >= 0, got: " + raw);
    }

    private static String text(Object raw, String at) {
        if (raw == null || raw.toString().isBlank()) {
            throw new IllegalArgumentException(at + " is required");
        }
        return raw.toString();
    }

    private static Map<?, ?> mapping(Object raw, String at) {
        if (!(raw instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(at + " must be a mapping, got: " + raw);
        }
        return m;
    }

    private static void known(Map<?, ?> m, String at, Set<String> keys) {
        for (Object k : m.keySet()) {
            if (!keys.contains(String.valueOf(k))) {
                throw new IllegalArgumentException(at + "." + k + " is not a known key; known keys: "
                        + keys.stream().sorted().toList());
            }
        }
    }
}
