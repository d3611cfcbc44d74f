package io.notebookhub.hub.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Reads declared keys from layered sources: defaults &lt; YAML file &lt; {@code NBHUB_*} environment.
 * Every read declares a key; after reading, {@link #finish()} rejects keys nobody declared, naming them
 * with a suggestion, and collects every problem into one message so an admin fixes them in one go.
 */
public final class ConfigReader {
    private static final String ENV_PREFIX = "NBHUB_";

    private final JsonNode root;
    private final Map<String, String> env;
    private final String source;
    private final Set<String> declared = new LinkedHashSet<>();
    private final Set<String> secrets = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Object> effective = new TreeMap<>();

    public ConfigReader(JsonNode root, Map<String, String> env, String source) {
        this.root = root == null || root.isNull() || root.isMissingNode() ? JsonNodeFactory.instance.objectNode() : root;
        this.env = env;
        this.source = source;
        if (!this.root.isObject()) {
            problems.add(source + ": the top level must be a mapping of keys");
        }
    }

    /** The environment variable that overrides {@code path}: {@code proxy.api_url} is {@code NBHUB_PROXY_API_URL}. */
    public static String envName(String path) {
        return ENV_PREFIX + path.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String string(String path, String defaultValue) {
        String raw = raw(path);
        String value = raw == null ? defaultValue : raw;
        effective.put(path, value);
        return value;
    }

    public String secret(String path, String defaultValue) {
        secrets.add(path);
        return string(path, defaultValue);
    }

    public String oneOf(String path, String defaultValue, Set<String> allowed) {
        String value = string(path, defaultValue);
        if (!allowed.contains(value)) {
            problems.add(describe(path) + " must be one of " + allowed + ", not '" + value + "'");
        }
        return value;
    }

    public int integer(String path, int defaultValue, int min, int max) {
        String raw = raw(path);
        int value = defaultValue;
        if (raw != null) {
            try {
                value = Integer.parseInt(raw.trim());
            } catch (NumberFormatException e) {
                problems.add(describe(path) + " must be a whole number, not '" + raw + "'");
                return defaultValue;
            }
        }
        if (value < min || value > max) {
            problems.add(describe(path) + " must be between " + min + " and " + max + ", not " + value);
        }
        effective.put(path, value);
        return value;
    }

    public int port(String path, int defaultValue) {
        return integer(path, defaultValue, 0, 65535);
    }

    /** Durations are whole seconds, as in JupyterHub's and Zero to JupyterHub's configuration. */
    public Duration seconds(String path, long defaultSeconds, long minSeconds) {
        int value = integer(path, (int) defaultSeconds, (int) minSeconds, Integer.MAX_VALUE);
        return Duration.ofSeconds(value);
    }

    public boolean bool(String path, boolean defaultValue) {
        String raw = raw(path);
        if (raw == null) {
            effective.put(path, defaultValue);
            return defaultValue;
        }
        switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> {
                effective.put(path, true);
                return true;
            }
            case "false", "no", "0", "off" -> {
                effective.put(path, false);
                return false;
            }
            default -> {
                problems.add(describe(path) + " must be true or false, not '" + raw + "'");
                return defaultValue;
            }
        }
    }

    /** A list from a YAML sequence, or from the environment as comma-separated values. */
    public List<String> list(String path, List<String> defaultValue) {
        declared.add(path);
        String fromEnv = env.get(envName(path));
        List<String> value;
        if (fromEnv != null) {
            value = fromEnv.isBlank() ? List.of() : List.of(fromEnv.split("\\s*,\\s*"));
        } else {
            JsonNode node = node(path);
            if (node == null || node.isNull()) {
                value = defaultValue;
            } else if (node.isArray()) {
                List<String> items = new ArrayList<>();
                node.forEach(n -> items.add(n.asText()));
                value = List.copyOf(items);
            } else {
                problems.add(describe(path) + " must be a list");
                value = defaultValue;
            }
        }
        effective.put(path, value);
        return value;
    }

    /** A free-form mapping of strings (labels, extra environment); its own keys are not checked. */
    public Map<String, String> stringMap(String path) {
        declared.add(path);
        JsonNode node = node(path);
        Map<String, String> value = new LinkedHashMap<>();
        if (node != null && !node.isNull()) {
            if (!node.isObject()) {
                problems.add(describe(path) + " must be a mapping");
            } else {
                node.fields().forEachRemaining(e -> value.put(e.getKey(), e.getValue().asText()));
            }
        }
        effective.put(path, value);
        return Map.copyOf(value);
    }

    /**
     * A mapping read whole, as YAML text for a parser with its own key checks (so its keys are not reported as
     * unknown here); empty text when unset. From the environment, the variable holds the YAML (or JSON) text.
     */
    public String yamlTree(String path) {
        declared.add(path);
        String fromEnv = env.get(envName(path));
        if (fromEnv != null) {
            effective.put(path, fromEnv);
            return fromEnv;
        }
        JsonNode node = node(path);
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isObject()) {
            problems.add(describe(path) + " must be a mapping");
            return "";
        }
        effective.put(path, node.toString());
        try {
            return new ObjectMapper(YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .build()).writeValueAsString(node);
        } catch (JsonProcessingException e) {
            problems.add(describe(path) + " cannot be read: " + e.getOriginalMessage());
            return "";
        }
    }

    /**
     * A list or mapping read whole as a tree, for a parser that checks its items itself (so their keys are not
     * reported as unknown here); a missing node when unset. From the environment, the variable holds YAML or JSON.
     */
    public JsonNode tree(String path) {
        declared.add(path);
        String fromEnv = env.get(envName(path));
        JsonNode node;
        if (fromEnv != null) {
            try {
                node = new ObjectMapper(new YAMLFactory()).readTree(fromEnv);
            } catch (JsonProcessingException e) {
                problems.add(describe(path) + " is not valid YAML or JSON: " + e.getOriginalMessage());
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
        } else {
            node = node(path);
        }
        if (node == null || node.isNull()) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        return node;
    }

    /** Records what a {@link #tree} parser made of its key for the start-up log; the parser redacts its secrets. */
    public void effective(String path, Object redactedValue) {
        effective.put(path, redactedValue);
    }

    /** Adds a problem found by a cross-field check. */
    public void check(boolean ok, String path, String message) {
        if (!ok) {
            problems.add(describe(path) + " " + message);
        }
    }

    public <T> T checked(String path, T value, Predicate<T> ok, String message) {
        check(ok.test(value), path, message);
        return value;
    }

    /** Fails with every problem found, including unknown keys in the file and unknown NBHUB_ variables. */
    public void finish() {
        if (root.isObject()) {
            collectUnknown("", root);
        }
        for (String name : env.keySet()) {
            if (name.startsWith(ENV_PREFIX) && declared.stream().noneMatch(p -> envName(p).equals(name))) {
                problems.add("unknown environment variable " + name + suggestion(name, declared.stream()
                        .map(ConfigReader::envName).toList()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("invalid configuration:\n  - " + String.join("\n  - ", problems));
        }
    }

    /** The effective configuration with secrets redacted, for one log line at start-up. */
    public Map<String, Object> effectiveRedacted() {
        Map<String, Object> copy = new TreeMap<>(effective);
        for (String s : secrets) {
            Object v = copy.get(s);
            if (v instanceof String str && !str.isEmpty()) {
                copy.put(s, "<redacted>");
            }
        }
        return copy;
    }

    private void collectUnknown(String prefix, JsonNode node) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            if (declared.contains(path)) {
                continue;
            }
            boolean isSection = declared.stream().anyMatch(d -> d.startsWith(path + "."));
            if (isSection && field.getValue().isObject()) {
                collectUnknown(path, field.getValue());
            } else if (isSection) {
                problems.add(source + ": '" + path + "' must be a mapping");
            } else {
                problems.add(source + ": unknown key '" + path + "'" + suggestion(path, declared));
            }
        }
    }

    private static String suggestion(String unknown, Iterable<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(unknown, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best != null && bestDistance <= Math.max(2, unknown.length() / 4) ? " (did you mean '" + best + "'?)" : "";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private String raw(String path) {
        declared.add(path);
        String fromEnv = env.get(envName(path));
        if (fromEnv != null) {
            return fromEnv;
        }
        JsonNode node = node(path);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isContainerNode()) {
            problems.add(describe(path) + " must be a single value, not a " + (node.isArray() ? "list" : "mapping"));
            return null;
        }
        return node.asText();
    }

    private JsonNode node(String path) {
        JsonNode cur = root;
        for (String part : path.split("\\.")) {
            if (cur == null || !cur.isObject()) {
                return null;
            }
            cur = cur.get(part);
        }
        return cur;
    }

    private String describe(String path) {
        return "'" + path + "' (" + (env.containsKey(envName(path)) ? envName(path) : source) + ")";
    }

    /** Sorts the declared keys; used by tests and the docs generator. */
    public List<String> declaredKeys() {
        List<String> keys = new ArrayList<>(declared);
        keys.sort(Comparator.naturalOrder());
        return keys;
    }
}
