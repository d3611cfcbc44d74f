package io.notebookhub.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The values a {@link ConfigReader} read for one component's settings, looked up by their declaration. */
public final class SettingValues {
    private final Map<String, Object> values;

    SettingValues(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The value of {@code setting}, or its default when it was not read. */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        return values.containsKey(setting.key()) ? (T) values.get(setting.key()) : setting.defaultValue();
    }

    /** A copy with {@code setting} set to {@code value} (checked by the component when it builds its config). */
    public <T> SettingValues with(Setting<T> setting, T value) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(setting.key(), value);
        return new SettingValues(copy);
    }

    /** No value read: every setting at its default. */
    public static SettingValues defaults() {
        return new SettingValues(Map.of());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SettingValues other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
