package io.notebookhub.profiles.internal;

import io.notebookhub.profiles.NodeAffinity;
import io.notebookhub.profiles.ProfileOverrides;
import io.notebookhub.profiles.Storage;
import io.notebookhub.profiles.Toleration;
import io.notebookhub.profiles.internal.YamlNodes.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads the overridable keys (the same at every level: global config, profile, option choice) into a
 * {@link ProfileOverrides}, checking each against Kubernetes' own rules.
 */
public final class OverridesReader {
    public static final List<String> KEYS = List.of("image", "cpu", "memory", "extra_resource_limits", "tolerations",
            "node_selector", "node_affinity", "env", "volumes", "volume_mounts", "storage", "idle_timeout",
            "start_timeout");
    /** Placeholder replaced by the user's free text in an unlisted choice's overrides. */
    public static final String VALUE_PLACEHOLDER = "{value}";

    private static final List<String> RESOURCE_KEYS = List.of("guarantee", "limit");
    private static final List<String> TOLERATION_KEYS = List.of("key", "operator", "value", "effect",
            "tolerationSeconds");
    private static final List<String> OPERATORS = List.of("Equal", "Exists");
    private static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final List<String> AFFINITY_KEYS = List.of("required", "preferred");
    private static final List<String> TERM_KEYS = List.of("matchExpressions", "matchFields");
    private static final List<String> REQUIREMENT_KEYS = List.of("key", "operator", "values");
    private static final List<String> NODE_OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt");
    private static final List<String> PREFERENCE_KEYS = List.of("weight", "preference");
    private static final List<String> MOUNT_KEYS = List.of("name", "mountPath", "readOnly", "subPath", "subPathExpr",
            "mountPropagation", "recursiveReadOnly");
    private static final List<String> STORAGE_KEYS = List.of("capacity", "storage_class", "access_modes",
            "home_mount_path");
    private static final List<String> ACCESS_MODES = List.of("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
            "ReadWriteOncePod");
    private static final Duration MAX_DURATION = Duration.ofDays(30);

    private final YamlNodes yaml;

    public OverridesReader(YamlNodes yaml) {
        this.yaml = yaml;
    }

    /**
     * Reads the override keys present in {@code fields} (other keys are the caller's). With {@code templated},
     * text containing {@code {value}} is checked only after the user's value is put in, at resolve time.
     */
    public ProfileOverrides read(Map<String, Field> fields, String prefix, boolean templated) {
        String image = null;
        String[] cpu = {null, null};
        String[] memory = {null, null};
        Map<String, String> extra = Map.of();
        List<Toleration> tolerations = List.of();
        Map<String, String> nodeSelector = Map.of();
        NodeAffinity affinity = NodeAffinity.NONE;
        Map<String, String> env = Map.of();
        List<Map<String, Object>> volumes = List.of();
        List<Map<String, Object>> mounts = List.of();
        Storage storage = Storage.DEFAULTS;
        Duration idle = null;
        Duration start = null;
        for (Field f : fields.values()) {
            String path = prefix + f.key();
            Node v = f.value();
            switch (f.key()) {
                case "image" -> image = yaml.nonEmptyString(v, path);
                case "cpu" -> cpu = resources(v, path, templated);
                case "memory" -> memory = resources(v, path, templated);
                case "extra_resource_limits" -> extra = extraResources(v, path, templated);
                case "tolerations" -> tolerations = tolerations(v, path);
                case "node_selector" -> nodeSelector = nodeSelector(v, path);
                case "node_affinity" -> affinity = affinity(v, path);
                case "env" -> env = env(v, path);
                case "volumes" -> volumes = volumes(v, path);
                case "volume_mounts" -> mounts = mounts(v, path);
                case "storage" -> storage = storage(v, path, templated);
                case "idle_timeout" -> idle = duration(v, path, Duration.ofMinutes(1));
                case "start_timeout" -> start = duration(v, path, Duration.ofSeconds(1));
                default -> {
                    // Not an override key: the caller reads it.
                }
            }
        }
        return new ProfileOverrides(image, cpu[0], cpu[1], memory[0], memory[1], extra, tolerations, nodeSelector,
                affinity, env, volumes, mounts, storage, idle, start);
    }

    private String[] resources(Node node, String path, boolean templated) {
        String[] out = {null, null};
        Map<String, Field> fields = yaml.fields(node, path, RESOURCE_KEYS, "a mapping with guarantee and/or limit");
        if (fields == null) {
            return out;
        }
        for (int i = 0; i < 2; i++) {
            Field f = fields.get(RESOURCE_KEYS.get(i));
            if (f != null) {
                out[i] = quantity(f.value(), path + "." + f.key(), templated);
            }
        }
        if (out[0] != null && out[1] != null && isConcrete(out[0]) && isConcrete(out[1])
                && Quantities.compare(out[0], out[1]) > 0) {
            yaml.error(fields.get("guarantee").value(), path, "guarantee " + out[0] + " is more than limit " + out[1]);
        }
        return out;
    }

    private static boolean isConcrete(String quantity) {
        return !quantity.contains(VALUE_PLACEHOLDER);
    }

    private String quantity(Node node, String path, boolean templated) {
        String text = yaml.scalarText(node, path);
        if (text == null) {
            return null;
        }
        if (templated && text.contains(VALUE_PLACEHOLDER)) {
            return text;
        }
        Optional<String> problem = Quantities.problem(text);
        if (problem.isPresent()) {
            yaml.error(node, path, problem.get());
            return null;
        }
        return text;
    }

    private Map<String, String> extraResources(Node node, String path, boolean templated) {
        Map<String, Field> fields = yaml.scalarFields(node, path,
                "a mapping of resource name to count, e.g. nvidia.com/gpu: 1");
        if (fields == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : fields.values()) {
            String name = f.key();
            if (name.equals("cpu") || name.equals("memory")) {
                yaml.error(f.keyNode(), path, "set " + name + " with the " + name + " key, not here");
                continue;
            }
            if (!name.contains("/")) {
                yaml.error(f.keyNode(), path, "\"" + name + "\" is not an extended resource name; use a "
                        + "domain-prefixed name such as nvidia.com/gpu");
                continue;
            }
            Optional<String> nameProblem = Names.qualifiedNameProblem("resource name", name);
            if (nameProblem.isPresent()) {
                yaml.error(f.keyNode(), path, nameProblem.get());
                continue;
            }
            String q = quantity(f.value(), path + "." + name, templated);
            if (q == null) {
                continue;
            }
            if (isConcrete(q) && !Quantities.isWhole(q)) {
                yaml.error(f.value(), path + "." + name, "extended resources are whole numbers, found " + q);
                continue;
            }
            out.put(name, q);
        }
        return Collections.unmodifiableMap(out);
    }

    private List<Toleration> tolerations(Node node, String path) {
        List<Node> items = yaml.sequence(node, path);
        if (items == null) {
            return List.of();
        }
        List<Toleration> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Toleration t = toleration(items.get(i), path + "[" + i + "]");
            if (t != null) {
                out.add(t);
            }
        }
        return List.copyOf(out);
    }

    private Toleration toleration(Node node, String path) {
        Map<String, Field> f = yaml.fields(node, path, TOLERATION_KEYS, "a toleration (key, operator, value, effect)");
        if (f == null) {
            return null;
        }
        int before = errorCount();
        String key = f.containsKey("key") ? yaml.string(f.get("key").value(), path + ".key") : "";
        String operator = f.containsKey("operator")
                ? oneOf(f.get("operator").value(), path + ".operator", "a toleration operator", OPERATORS) : "Equal";
        String value = f.containsKey("value") ? yaml.scalarText(f.get("value").value(), path + ".value") : "";
        String effect = f.containsKey("effect")
                ? oneOf(f.get("effect").value(), path + ".effect", "a taint effect", EFFECTS) : "";
        Long seconds = f.containsKey("tolerationSeconds")
                ? yaml.integer(f.get("tolerationSeconds").value(), path + ".tolerationSeconds", 0, Long.MAX_VALUE)
                : null;
        if (errorCount() > before) {
            return null;
        }
        if (!key.isEmpty()) {
            Optional<String> p = Names.qualifiedNameProblem("key", key);
            if (p.isPresent()) {
                yaml.error(f.get("key").value(), path + ".key", p.get());
                return null;
            }
        } else if (!operator.equals("Exists")) {
            yaml.error(node, path, "a toleration without a key must use operator Exists (it then tolerates every taint)");
            return null;
        }
        if (operator.equals("Exists") && !value.isEmpty()) {
            yaml.error(f.get("value").value(), path + ".value", "must be empty when operator is Exists");
            return null;
        }
        if (operator.equals("Equal")) {
            Optional<String> p = Names.labelValueProblem("value", value);
            if (p.isPresent()) {
                yaml.error(f.get("value").value(), path + ".value", p.get());
                return null;
            }
        }
        if (seconds != null && !effect.equals("NoExecute")) {
            yaml.error(f.get("tolerationSeconds").value(), path + ".tolerationSeconds",
                    "only allowed with effect NoExecute");
            return null;
        }
        return new Toleration(key, operator, value, effect, seconds);
    }

    private int errorCount() {
        return yaml.errorCount();
    }

    private String oneOf(Node node, String path, String what, List<String> allowed) {
        String text = yaml.string(node, path);
        if (text == null) {
            return null;
        }
        if (!allowed.contains(text)) {
            Optional<String> guess = Suggestions.closest(text, allowed);
            yaml.error(node, path, "\"" + text + "\" is not " + what + "; use one of " + String.join(", ", allowed)
                    + guess.map(g -> " (did you mean \"" + g + "\"?)").orElse(""));
            return null;
        }
        return text;
    }

    private Map<String, String> nodeSelector(Node node, String path) {
        Map<String, Field> fields = yaml.scalarFields(node, path, "a mapping of node label to value");
        if (fields == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : fields.values()) {
            String value = YamlNodes.text(f);
            Optional<String> keyProblem = Names.qualifiedNameProblem("label", f.key());
            Optional<String> valueProblem = Names.labelValueProblem("value", value);
            if (keyProblem.isPresent()) {
                yaml.error(f.keyNode(), path, keyProblem.get());
            } else if (valueProblem.isPresent()) {
                yaml.error(f.value(), path + "." + f.key(), valueProblem.get());
            } else {
                out.put(f.key(), value);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private Map<String, String> env(Node node, String path) {
        Map<String, Field> fields = yaml.scalarFields(node, path, "a mapping of variable name to value");
        if (fields == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : fields.values()) {
            Optional<String> p = Names.envNameProblem(f.key());
            if (p.isPresent()) {
                yaml.error(f.keyNode(), path, p.get());
            } else {
                out.put(f.key(), YamlNodes.text(f));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private NodeAffinity affinity(Node node, String path) {
        Map<String, Field> f = yaml.fields(node, path, AFFINITY_KEYS, "a mapping with required and/or preferred");
        if (f == null) {
            return NodeAffinity.NONE;
        }
        List<Map<String, Object>> required = new ArrayList<>();
        List<Map<String, Object>> preferred = new ArrayList<>();
        if (f.containsKey("required")) {
            List<Node> terms = yaml.sequence(f.get("required").value(), path + ".required");
            for (int i = 0; terms != null && i < terms.size(); i++) {
                Map<String, Object> term = term(terms.get(i), path + ".required[" + i + "]");
                if (term != null) {
                    required.add(term);
                }
            }
        }
        if (f.containsKey("preferred")) {
            List<Node> prefs = yaml.sequence(f.get("preferred").value(), path + ".preferred");
            for (int i = 0; prefs != null && i < prefs.size(); i++) {
                String p = path + ".preferred[" + i + "]";
                Map<String, Field> pf = yaml.fields(prefs.get(i), p, PREFERENCE_KEYS,
                        "a mapping with weight and preference");
                if (pf == null) {
                    continue;
                }
                if (!pf.containsKey("weight") || !pf.containsKey("preference")) {
                    yaml.error(prefs.get(i), p, "needs both weight (1-100) and preference");
                    continue;
                }
                Long weight = yaml.integer(pf.get("weight").value(), p + ".weight", 1, 100);
                Map<String, Object> term = term(pf.get("preference").value(), p + ".preference");
                if (weight != null && term != null) {
                    Map<String, Object> pref = new LinkedHashMap<>();
                    pref.put("weight", weight.intValue());
                    pref.put("preference", term);
                    preferred.add(Collections.unmodifiableMap(pref));
                }
            }
        }
        return new NodeAffinity(List.copyOf(required), List.copyOf(preferred));
    }

    private Map<String, Object> term(Node node, String path) {
        Map<String, Field> f = yaml.fields(node, path, TERM_KEYS, "a node selector term (matchExpressions)");
        if (f == null) {
            return null;
        }
        if (f.isEmpty()) {
            yaml.error(node, path, "a term needs matchExpressions or matchFields");
            return null;
        }
        int before = errorCount();
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field field : f.values()) {
            List<Node> reqs = yaml.sequence(field.value(), path + "." + field.key());
            List<Object> list = new ArrayList<>();
            for (int i = 0; reqs != null && i < reqs.size(); i++) {
                Map<String, Object> r = requirement(reqs.get(i), path + "." + field.key() + "[" + i + "]");
                if (r != null) {
                    list.add(r);
                }
            }
            out.put(field.key(), List.copyOf(list));
        }
        return errorCount() > before ? null : Collections.unmodifiableMap(out);
    }

    private Map<String, Object> requirement(Node node, String path) {
        Map<String, Field> f = yaml.fields(node, path, REQUIREMENT_KEYS, "a requirement (key, operator, values)");
        if (f == null) {
            return null;
        }
        if (!f.containsKey("key") || !f.containsKey("operator")) {
            yaml.error(node, path, "needs key and operator");
            return null;
        }
        String key = yaml.nonEmptyString(f.get("key").value(), path + ".key");
        String op = oneOf(f.get("operator").value(), path + ".operator", "a node selector operator", NODE_OPERATORS);
        List<String> values = List.of();
        if (f.containsKey("values")) {
            List<Node> items = yaml.sequence(f.get("values").value(), path + ".values");
            List<String> vs = new ArrayList<>();
            for (int i = 0; items != null && i < items.size(); i++) {
                String s = yaml.scalarText(items.get(i), path + ".values[" + i + "]");
                if (s != null) {
                    vs.add(s);
                }
            }
            values = List.copyOf(vs);
        }
        if (key == null || op == null) {
            return null;
        }
        Node at = f.containsKey("values") ? f.get("values").value() : node;
        switch (op) {
            case "In", "NotIn" -> {
                if (values.isEmpty()) {
                    yaml.error(at, path, "operator " + op + " needs at least one value");
                    return null;
                }
            }
            case "Exists", "DoesNotExist" -> {
                if (!values.isEmpty()) {
                    yaml.error(at, path, "operator " + op + " takes no values");
                    return null;
                }
            }
            default -> {
                if (values.size() != 1 || !values.get(0).matches("-?[0-9]+")) {
                    yaml.error(at, path, "operator " + op + " needs exactly one whole-number value");
                    return null;
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", key);
        out.put("operator", op);
        if (!values.isEmpty()) {
            out.put("values", values);
        }
        return Collections.unmodifiableMap(out);
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> volumes(Node node, String path) {
        List<Node> items = yaml.sequence(node, path);
        if (items == null) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String p = path + "[" + i + "]";
            Map<String, Field> f = yaml.fields(items.get(i), p, null, "a Kubernetes volume (name and a source)");
            if (f == null) {
                continue;
            }
            String name = named(items.get(i), f, p, names);
            if (name == null) {
                continue;
            }
            if (f.size() < 2) {
                yaml.error(items.get(i), p, "volume \"" + name + "\" has no source (e.g. persistentVolumeClaim, "
                        + "configMap, nfs, emptyDir)");
                continue;
            }
            out.add(Collections.unmodifiableMap((Map<String, Object>) yaml.plain(items.get(i))));
        }
        return List.copyOf(out);
    }

    private String named(Node item, Map<String, Field> f, String path, Set<String> seen) {
        if (!f.containsKey("name")) {
            yaml.error(item, path, "needs a name");
            return null;
        }
        String name = yaml.string(f.get("name").value(), path + ".name");
        if (name == null) {
            return null;
        }
        Optional<String> p = Names.dnsLabelProblem("name", name);
        if (p.isPresent()) {
            yaml.error(f.get("name").value(), path + ".name", p.get());
            return null;
        }
        if (!seen.add(name)) {
            yaml.error(f.get("name").value(), path + ".name", "\"" + name + "\" is listed twice");
            return null;
        }
        return name;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> mounts(Node node, String path) {
        List<Node> items = yaml.sequence(node, path);
        if (items == null) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String p = path + "[" + i + "]";
            Map<String, Field> f = yaml.fields(items.get(i), p, MOUNT_KEYS, "a volume mount (name, mountPath)");
            if (f == null) {
                continue;
            }
            int before = errorCount();
            String name = named(items.get(i), f, p, names);
            if (!f.containsKey("mountPath")) {
                yaml.error(items.get(i), p, "needs a mountPath");
            } else {
                String mountPath = yaml.string(f.get("mountPath").value(), p + ".mountPath");
                if (mountPath != null && !mountPath.startsWith("/")) {
                    yaml.error(f.get("mountPath").value(), p + ".mountPath",
                            "\"" + mountPath + "\" is not an absolute path");
                }
            }
            if (f.containsKey("readOnly")) {
                yaml.bool(f.get("readOnly").value(), p + ".readOnly");
            }
            if (name != null && errorCount() == before) {
                out.add(Collections.unmodifiableMap((Map<String, Object>) yaml.plain(items.get(i))));
            }
        }
        return List.copyOf(out);
    }

    private Storage storage(Node node, String path, boolean templated) {
        Map<String, Field> f = yaml.fields(node, path, STORAGE_KEYS, "a mapping (capacity, storage_class, "
                + "access_modes, home_mount_path)");
        if (f == null) {
            return Storage.DEFAULTS;
        }
        String capacity = f.containsKey("capacity") ? quantity(f.get("capacity").value(), path + ".capacity",
                templated) : null;
        String storageClass = null;
        if (f.containsKey("storage_class")) {
            Node v = f.get("storage_class").value();
            storageClass = v instanceof ScalarNode s && s.getTag() == Tag.STR ? s.getValue()
                    : yaml.string(v, path + ".storage_class");
        }
        List<String> modes = null;
        if (f.containsKey("access_modes")) {
            List<Node> items = yaml.sequence(f.get("access_modes").value(), path + ".access_modes");
            if (items != null) {
                List<String> ms = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    String m = oneOf(items.get(i), path + ".access_modes[" + i + "]", "an access mode", ACCESS_MODES);
                    if (m != null) {
                        ms.add(m);
                    }
                }
                modes = List.copyOf(ms);
            }
        }
        String home = null;
        if (f.containsKey("home_mount_path")) {
            home = yaml.string(f.get("home_mount_path").value(), path + ".home_mount_path");
            if (home != null && !home.startsWith("/")) {
                yaml.error(f.get("home_mount_path").value(), path + ".home_mount_path",
                        "\"" + home + "\" is not an absolute path");
                home = null;
            }
        }
        return new Storage(capacity, storageClass, modes, home);
    }

    private Duration duration(Node node, String path, Duration min) {
        String text = yaml.scalarText(node, path);
        if (text == null) {
            return null;
        }
        boolean integer = node instanceof ScalarNode s && s.getTag() == Tag.INT;
        Optional<Duration> d = integer && text.matches("[0-9]+") ? Durations.parse(text)
                : node instanceof ScalarNode s2 && s2.getTag() == Tag.STR ? Durations.parse(text) : Optional.empty();
        if (d.isEmpty()) {
            yaml.error(node, path, "\"" + text + "\" is not a duration; use whole seconds (1800) or units like "
                    + "\"30m\", \"2h\", \"1h30m\", \"7d\"");
            return null;
        }
        if (d.get().compareTo(min) < 0 || d.get().compareTo(MAX_DURATION) > 0) {
            yaml.error(node, path, Durations.format(d.get()) + " is out of range; allowed: "
                    + Durations.format(min) + " to " + Durations.format(MAX_DURATION));
            return null;
        }
        return d.get();
    }
}
