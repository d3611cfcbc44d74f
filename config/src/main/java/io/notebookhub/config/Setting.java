package io.notebookhub.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One configuration setting, declared once beside the code that uses it: key (relative to the component's prefix),
 * type, default, checks and a one-line doc. {@link ConfigReader#get} reads it from the layered sources; the
 * reference ({@code config reference}) is generated from the same declaration.
 *
 * @param <T> the value's Java type
 */
public final class Setting<T> {
    /** How a value is written in an environment variable: scalars as they are, lists comma-separated, the rest YAML. */
    public enum Shape { SCALAR, LIST, MAP }

    private final String key;
    private final String type;
    private final T defaultValue;
    private final Shape shape;
    private final Function<JsonNode, T> parser;
    private final List<Check<T>> checks;
    private final String doc;
    private final boolean secret;

    private record Check<T>(Predicate<T> ok, String mustBe) {}

    private Setting(String key, String type, T defaultValue, Shape shape, Function<JsonNode, T> parser,
                    List<Check<T>> checks, String doc, boolean secret) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.shape = shape;
        this.parser = parser;
        this.checks = List.copyOf(checks);
        this.doc = doc;
        this.secret = secret;
    }

    private static <T> Setting<T> of(String key, String type, T def, Shape shape, Function<JsonNode, T> parser,
                                     String doc) {
        return new Setting<>(key, type, def, shape, parser, List.of(), doc, false);
    }

    public static Setting<String> string(String key, String def, String doc) {
        return of(key, "string", def, Shape.SCALAR, Setting::text, doc);
    }

    public static Setting<String> oneOf(String key, String def, Collection<String> allowed, String doc) {
        List<String> sorted = List.copyOf(new TreeSet<>(allowed));
        return of(key, "one of " + String.join(", ", sorted), def, Shape.SCALAR, Setting::text, doc)
                .check(allowed::contains, "one of " + sorted);
    }

    public static Setting<Boolean> bool(String key, boolean def, String doc) {
        return of(key, "boolean", def, Shape.SCALAR, node -> {
            switch (text(node).trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1", "on" -> {
                    return true;
                }
                case "false", "no", "0", "off" -> {
                    return false;
                }
                default -> throw new IllegalArgumentException("true or false");
            }
        }, doc);
    }

    public static Setting<Integer> integer(String key, int def, int min, int max, String doc) {
        return of(key, "integer", def, Shape.SCALAR, node -> {
            try {
                return Integer.parseInt(text(node).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a whole number");
            }
        }, doc).check(v -> v >= min && v <= max, "between " + min + " and " + max);
    }

    public static Setting<Integer> port(String key, int def, String doc) {
        return integer(key, def, 0, 65535, doc);
    }

    /** A duration in {@link Durations}' grammar (ISO-8601 too); at least {@code min}. */
    public static Setting<Duration> duration(String key, Duration def, Duration min, String doc) {
        return of(key, "duration", def, Shape.SCALAR, Setting::duration, doc)
                .check(d -> d.compareTo(min) >= 0, "at least " + Durations.format(min));
    }

    /** A Kubernetes quantity such as {@code 10Gi} or {@code 500m}. */
    public static Setting<String> quantity(String key, String def, String doc) {
        return of(key, "quantity", def, Shape.SCALAR, Setting::text, doc)
                .check(q -> Quantities.problem(q).isEmpty(), "a Kubernetes quantity such as 10Gi");
    }

    /** A list: a YAML sequence, or comma-separated in the environment. */
    public static Setting<List<String>> list(String key, List<String> def, String doc) {
        return of(key, "list", List.copyOf(def), Shape.LIST, node -> {
            if (!node.isArray()) {
                throw new IllegalArgumentException("a list");
            }
            List<String> items = new ArrayList<>();
            node.forEach(n -> items.add(text(n)));
            return List.copyOf(items);
        }, doc);
    }

    /** A mapping of strings (labels, headers, environment); in the environment, YAML or JSON text. */
    public static Setting<Map<String, String>> stringMap(String key, String doc) {
        return of(key, "map", Map.of(), Shape.MAP, node -> {
            Map<String, String> out = new LinkedHashMap<>();
            mapping(node).forEach((k, v) -> out.put(k, text(v)));
            return java.util.Collections.unmodifiableMap(out);
        }, doc);
    }

    /** A mapping of names to durations. */
    public static Setting<Map<String, Duration>> durationMap(String key, String doc) {
        return of(key, "map of durations", Map.of(), Shape.MAP, node -> {
            Map<String, Duration> out = new LinkedHashMap<>();
            mapping(node).forEach((k, v) -> {
                try {
                    out.put(k, duration(v));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("a map of durations, but '" + k + "' is not "
                            + Durations.GRAMMAR);
                }
            });
            return java.util.Collections.unmodifiableMap(out);
        }, doc);
    }

    /**
     * A list or mapping handed whole to a parser with its own checks (its inner keys are not reported unknown);
     * in the environment, YAML or JSON text. Missing: a missing node.
     */
    public static Setting<JsonNode> tree(String key, String doc) {
        return of(key, "YAML", com.fasterxml.jackson.databind.node.MissingNode.getInstance(), Shape.MAP,
                node -> node, doc);
    }

    /** Adds a check; {@code mustBe} completes "'key' must be ...". */
    public Setting<T> check(Predicate<T> ok, String mustBe) {
        List<Check<T>> more = new ArrayList<>(checks);
        more.add(new Check<>(ok, mustBe));
        return new Setting<>(key, type, defaultValue, shape, parser, more, doc, secret);
    }

    /** A value never logged and shown as {@code <redacted>} in the effective configuration. */
    public Setting<T> secret() {
        return new Setting<>(key, type, defaultValue, shape, parser, checks, doc, true);
    }

    /** The same setting under a component's prefix in the hub's configuration. */
    public Setting<T> under(String prefix) {
        return new Setting<>(prefix + "." + key, type, defaultValue, shape, parser, checks, doc, secret);
    }

    public String key() {
        return key;
    }

    public String type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public Shape shape() {
        return shape;
    }

    public String doc() {
        return doc;
    }

    public boolean isSecret() {
        return secret;
    }

    /** Parses a present value; throws {@link IllegalArgumentException} with what it must be. */
    T parse(JsonNode node) {
        return parser.apply(node);
    }

    /** The first check {@code value} fails, as "must be ..." text; null when it passes all. */
    public String problem(T value) {
        for (Check<T> c : checks) {
            if (!c.ok().test(value)) {
                return c.mustBe();
            }
        }
        return null;
    }

    /** The default as the reference prints it. */
    public String defaultText() {
        Object d = defaultValue;
        if (d instanceof Duration duration) {
            return Durations.format(duration);
        }
        if (d instanceof JsonNode node) {
            return node.isMissingNode() ? "" : node.toString();
        }
        if (d instanceof String s) {
            return s.isEmpty() ? "\"\"" : s;
        }
        if (d instanceof List<?> l) {
            return l.toString();
        }
        if (d instanceof Map<?, ?> m) {
            return m.isEmpty() ? "{}" : m.toString();
        }
        return String.valueOf(d);
    }

    private static String text(JsonNode node) {
        if (node.isContainerNode()) {
            throw new IllegalArgumentException("a single value, not a " + (node.isArray() ? "list" : "mapping"));
        }
        return node.asText();
    }

    private static Duration duration(JsonNode node) {
        if (node.isIntegralNumber()) {
            return Duration.ofSeconds(node.asLong());
        }
        return Durations.parseSetting(text(node))
                .orElseThrow(() -> new IllegalArgumentException(Durations.GRAMMAR));
    }

    private static Map<String, JsonNode> mapping(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("a mapping");
        }
        Map<String, JsonNode> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    @Override
    public String toString() {
        return key;
    }
}
