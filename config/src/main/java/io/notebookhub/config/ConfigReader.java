package io.notebookhub.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Reads declared {@link Setting}s from layered sources: defaults &lt; YAML file &lt; {@code NBHUB_*} environment.
 * Every read declares its setting; {@link #finish()} then rejects keys and variables nobody declared (with a "did
 * you mean") and throws one {@link ConfigException} listing every problem, each naming the key and where its value
 * came from ({@code file:line:column} or the variable), so an admin fixes them in one go.
 */
public final class ConfigReader {
    private static final String ENV_PREFIX = "NBHUB_";

    /**
     * Made on first use: the default start (no file, no YAML in a variable) parses nothing, and the first
     * ObjectMapper a JVM makes costs some tens of milliseconds of every restart.
     */
    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());
    }

    private final JsonNode root;
    private final Map<String, String> locations;
    private final Map<String, String> env;
    private final String source;
    private final Map<String, Setting<?>> declared = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Object> effective = new TreeMap<>();

    public ConfigReader(JsonNode root, Map<String, String> env, String source) {
        this(root, Map.of(), env, source);
    }

    private ConfigReader(JsonNode root, Map<String, String> locations, Map<String, String> env, String source) {
        this.root = root == null || root.isNull() || root.isMissingNode() ? JsonNodeFactory.instance.objectNode() : root;
        this.locations = locations;
        this.env = env;
        this.source = source;
        if (!this.root.isObject()) {
            problems.add(source + ": the top level must be a mapping of keys");
        }
    }

    /** A reader of {@code file} (null: defaults and environment only), remembering where each key stands. */
    public static ConfigReader of(Path file, Map<String, String> env) {
        if (file == null) {
            return new ConfigReader(null, env, "defaults");
        }
        try {
            String text = Files.readString(file);
            return new ConfigReader(Yaml.MAPPER.readTree(text), YamlLocations.of(text), env, file.toString());
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    /**
     * Reads a component's block already parsed into maps (keys as under {@code prefix} in the hub's configuration),
     * for a component used alone; every bad or unknown key is named in one {@link IllegalArgumentException}.
     */
    public static SettingValues readBlock(Map<String, ?> block, String prefix, Collection<Setting<?>> settings) {
        ConfigReader reader = new ConfigReader(Yaml.MAPPER.valueToTree(Map.of(prefix, block)), Map.of(), Map.of(),
                prefix + " block");
        SettingValues values = reader.section(prefix, settings);
        try {
            reader.finish();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return values;
    }

    /** The environment variable that overrides {@code path}: {@code proxy.api_url} is {@code NBHUB_PROXY_API_URL}. */
    public static String envName(String path) {
        return ENV_PREFIX + path.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Reads one setting: its value from the environment, else the file, else its default; checked. */
    public <T> T get(Setting<T> setting) {
        String path = setting.key();
        declared.put(path, setting);
        JsonNode node = raw(setting);
        T value = setting.defaultValue();
        if (node != null) {
            try {
                value = setting.parse(node);
            } catch (IllegalArgumentException e) {
                problems.add(describe(path) + " must be " + e.getMessage() + ", not " + shown(node));
                effective.put(path, shownDefault(setting));
                return setting.defaultValue();
            }
        }
        String problem = setting.problem(value);
        if (problem != null) {
            problems.add(describe(path) + " must be " + problem + ", not " + (node == null ? "the default "
                    + setting.defaultText() : shown(node)));
        }
        effective.put(path, setting.isSecret() && value instanceof String s && !s.isEmpty() ? "<redacted>"
                : value instanceof Duration d ? Durations.format(d) : value instanceof JsonNode n ? n.toString() : value);
        return value;
    }

    /** Reads a component's settings under {@code prefix} ({@code spawner.kubernetes}). */
    public SettingValues section(String prefix, Collection<Setting<?>> settings) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Setting<?> s : settings) {
            Setting<?> full = prefix.isEmpty() ? s : s.under(prefix);
            values.put(s.key(), get(full));
        }
        return new SettingValues(values);
    }

    public String string(String path, String defaultValue, String doc) {
        return get(Setting.string(path, defaultValue, doc));
    }

    public String secret(String path, String defaultValue, String doc) {
        return get(Setting.string(path, defaultValue, doc).secret());
    }

    public String oneOf(String path, String defaultValue, Collection<String> allowed, String doc) {
        return get(Setting.oneOf(path, defaultValue, allowed, doc));
    }

    public int integer(String path, int defaultValue, int min, int max, String doc) {
        return get(Setting.integer(path, defaultValue, min, max, doc));
    }

    public int port(String path, int defaultValue, String doc) {
        return get(Setting.port(path, defaultValue, doc));
    }

    /** A duration in the one grammar ({@link Durations}); whole seconds, as JupyterHub writes them, still work. */
    public Duration duration(String path, Duration defaultValue, Duration min, String doc) {
        return get(Setting.duration(path, defaultValue, min, doc));
    }

    public boolean bool(String path, boolean defaultValue, String doc) {
        return get(Setting.bool(path, defaultValue, doc));
    }

    public List<String> list(String path, List<String> defaultValue, String doc) {
        return get(Setting.list(path, defaultValue, doc));
    }

    public Map<String, String> stringMap(String path, String doc) {
        return get(Setting.stringMap(path, doc));
    }

    /**
     * A list or mapping read whole as a tree, for a parser that checks its items itself (so their keys are not
     * reported as unknown here); a missing node when unset.
     */
    public JsonNode tree(String path, String doc) {
        return get(Setting.tree(path, doc));
    }

    /** {@link #tree} as YAML text for a parser that reads text; empty when unset. */
    public String yamlTree(String path, String doc) {
        JsonNode node = tree(path, doc);
        if (node.isMissingNode() || node.isNull()) {
            return "";
        }
        if (!node.isObject()) {
            problems.add(describe(path) + " must be a mapping");
            return "";
        }
        try {
            return new ObjectMapper(YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .build()).writeValueAsString(node);
        } catch (JsonProcessingException e) {
            problems.add(describe(path) + " cannot be read: " + e.getOriginalMessage());
            return "";
        }
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
        List<String> envNames = declared.keySet().stream().map(ConfigReader::envName).toList();
        for (String name : new java.util.TreeSet<>(env.keySet())) {
            if (name.startsWith(ENV_PREFIX) && !envNames.contains(name)) {
                problems.add("unknown environment variable " + name + suggestion(name, envNames));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("invalid configuration:\n  - " + String.join("\n  - ", problems));
        }
    }

    /** The effective configuration with secrets redacted, for one log line at start-up. */
    public Map<String, Object> effectiveRedacted() {
        return new TreeMap<>(effective);
    }

    /** Every setting read so far, sorted by key: what {@code config reference} prints. */
    public List<Setting<?>> settings() {
        List<Setting<?>> all = new ArrayList<>(declared.values());
        all.sort(Comparator.comparing(Setting::key));
        return all;
    }

    /** Sorts the declared keys; used by tests and the docs generator. */
    public List<String> declaredKeys() {
        return settings().stream().map(Setting::key).toList();
    }

    private void collectUnknown(String prefix, JsonNode node) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            if (declared.containsKey(path)) {
                continue;
            }
            boolean isSection = declared.keySet().stream().anyMatch(d -> d.startsWith(path + "."));
            if (isSection && field.getValue().isObject()) {
                collectUnknown(path, field.getValue());
            } else if (isSection) {
                problems.add(where(path) + ": '" + path + "' must be a mapping");
            } else {
                problems.add(where(path) + ": unknown key '" + path + "'" + suggestion(path, declared.keySet()));
            }
        }
    }

    private static String suggestion(String unknown, Collection<String> known) {
        return Suggestions.closest(unknown, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
    }

    private JsonNode raw(Setting<?> setting) {
        String fromEnv = env.get(envName(setting.key()));
        if (fromEnv != null) {
            return switch (setting.shape()) {
                case SCALAR -> TextNode.valueOf(fromEnv);
                case LIST -> {
                    ArrayNode items = JsonNodeFactory.instance.arrayNode();
                    if (!fromEnv.isBlank()) {
                        List.of(fromEnv.split("\\s*,\\s*")).forEach(items::add);
                    }
                    yield items;
                }
                case MAP -> {
                    try {
                        JsonNode parsed = Yaml.MAPPER.readTree(fromEnv);
                        yield parsed == null ? MissingNode.getInstance() : parsed;
                    } catch (JsonProcessingException e) {
                        problems.add(describe(setting.key()) + " is not valid YAML or JSON: " + e.getOriginalMessage());
                        yield null;
                    }
                }
            };
        }
        JsonNode node = node(setting.key());
        return node == null || node.isNull() ? null : node;
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

    private static String shown(JsonNode node) {
        if (node.isContainerNode()) {
            return node.isArray() ? "a list" : "a mapping";
        }
        return "'" + node.asText() + "'";
    }

    private static Object shownDefault(Setting<?> s) {
        return s.defaultValue() instanceof Duration d ? Durations.format(d) : s.defaultValue();
    }

    private String where(String path) {
        String at = locations.get(path);
        return at == null ? source : source + ":" + at;
    }

    private String describe(String path) {
        String name = envName(path);
        return "'" + path + "' (" + (env.containsKey(name) ? name : where(path)) + ")";
    }
}
