package io.notebookhub.hub.store;

import java.util.Locale;
import java.util.Optional;

/**
 * The order of a user listing, JupyterHub 5's {@code sort} parameter: a key, ascending, or descending with a
 * {@code -} prefix. {@code -key} is exactly the reverse of {@code key}.
 *
 * <ul>
 *   <li>{@code id}: creation order (the default in JupyterHub 5);</li>
 *   <li>{@code name}: by name, code point by code point;</li>
 *   <li>{@code last_activity}: users who never did anything count as the oldest, so they come first ascending and
 *   last descending, as JupyterHub orders NULL; equal times fall back to creation order.</li>
 * </ul>
 */
public record UserSort(Key key, boolean descending) {
    public enum Key { ID, NAME, LAST_ACTIVITY }

    public static final UserSort ID = new UserSort(Key.ID, false);
    public static final UserSort NAME = new UserSort(Key.NAME, false);

    public UserSort {
        java.util.Objects.requireNonNull(key, "key");
    }

    /** {@code id}, {@code -name}, {@code last_activity}...; empty for anything else. */
    public static Optional<UserSort> parse(String raw) {
        boolean descending = raw.startsWith("-");
        String key = descending ? raw.substring(1) : raw;
        return switch (key) {
            case "id" -> Optional.of(new UserSort(Key.ID, descending));
            case "name" -> Optional.of(new UserSort(Key.NAME, descending));
            case "last_activity" -> Optional.of(new UserSort(Key.LAST_ACTIVITY, descending));
            default -> Optional.empty();
        };
    }

    /** The parameter value that selects this order. */
    public String value() {
        return (descending ? "-" : "") + key.name().toLowerCase(Locale.ROOT);
    }
}
