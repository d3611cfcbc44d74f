package io.notebookhub.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A component's settings, collected as they are declared ({@code static final Setting<Integer> PORT =
 * SETTINGS.add(Setting.port(...))}), so that a new setting is one declaration: the hub reads, checks, documents and
 * logs it from this list.
 */
public final class Settings {
    private final List<Setting<?>> all = new ArrayList<>();

    public <T> Setting<T> add(Setting<T> setting) {
        if (all.stream().anyMatch(s -> s.key().equals(setting.key()))) {
            throw new IllegalStateException("setting " + setting.key() + " is declared twice");
        }
        all.add(setting);
        return setting;
    }

    public List<Setting<?>> all() {
        return List.copyOf(all);
    }
}
