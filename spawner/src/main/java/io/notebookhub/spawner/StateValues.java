package io.notebookhub.spawner;

import java.util.Map;
import java.util.Optional;

/**
 * Reads spawner state written by any version of the hub: values are JSON types now, but state recorded by
 * earlier versions holds every value as a string ({@code "pid": "1234"}), and adopting those servers after an
 * upgrade must still work.
 */
public final class StateValues {
    private StateValues() {
    }

    public static Optional<Long> number(Map<String, Object> state, String key) {
        Object value = state == null ? null : state.get(key);
        if (value instanceof Number n) {
            return Optional.of(n.longValue());
        }
        if (value instanceof String s) {
            try {
                return Optional.of(Long.parseLong(s.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    public static Optional<String> text(Map<String, Object> state, String key) {
        Object value = state == null ? null : state.get(key);
        return value == null ? Optional.empty() : Optional.of(value.toString());
    }
}
