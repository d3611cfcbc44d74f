package io.notebookhub.profiles.internal;

import io.notebookhub.config.Durations;
import io.notebookhub.config.Quantities;
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
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads the overridable keys (the same at every level: global config, profile, option choice) into a
 * {@link ProfileOverrides}, checking each against Kubernetes' own rules.
 */
public final class OverridesReader {
    public static final List<String> KEYS = Stream.concat(Stream.of("image", "cpu", "memory",
            "extra_resource_limits", "tolerations", "node_selector", "node_affinity", "env", "volumes",
            "volume_mounts", "storage", "idle_timeout", "start_timeout"), PodOptionsReader.KEYS.stream()).toList();
    /** Placeholder replaced by the user's free text in an unlisted choice's overrides. */
    public static final String VALUE_PLACEHOLDER = "{value}";

    private static final List<String> RESOURCE_KEYS = List.of("guarantee", "limit");
    private static final List<String> MOUNT_KEYS = List.of("name", "mountPath", "readOnly", "subPath", "subPathExpr",
            "mountPropagation", "recursiveReadOnly");
    private static final List<String> STORAGE_KEYS = List.of("type", "capacity", "storage_class", "access_modes",
            "home_mount_path", "static");
    private static final List<String> STATIC_KEYS = List.of("pvc_name", "sub_path");
    /** What a static claim's {@code sub_path} may name: the user's safe name (as Zero to JupyterHub's). */
    private static final String USERNAME_PLACEHOLDER = "{username}";
    private static final List<String> ACCESS_MODES = List.of("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
            "ReadWriteOncePod");
    private static final Duration MAX_DURATION = Duration.ofDays(30);

    private final YamlNodes yaml;

    private final SchedulingReader scheduling;
    private final PodOptionsReader pod;

    public OverridesReader(YamlNodes yaml) {
        this.yaml = yaml;
        this.scheduling = new SchedulingReader(yaml);
        this.pod = new PodOptionsReader(yaml);
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
                case "tolerations" -> tolerations = scheduling.tolerations(v, path);
                case "node_selector" -> nodeSelector = scheduling.nodeSelector(v, path);
                case "node_affinity" -> affinity = scheduling.affinity(v, path);
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
                affinity, env, volumes, mounts, storage, idle, start, pod.read(fields, prefix));
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

    private int errorCount() {
        return yaml.errorCount();
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
        Map<String, Field> f = yaml.fields(node, path, STORAGE_KEYS, "a mapping (type, capacity, storage_class, "
                + "access_modes, home_mount_path, static)");
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
                    String m = yaml.oneOf(items.get(i), path + ".access_modes[" + i + "]", "an access mode",
                            ACCESS_MODES);
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
        String type = f.containsKey("type") ? yaml.oneOf(f.get("type").value(), path + ".type", "a storage type",
                Storage.TYPES) : null;
        String[] claim = f.containsKey("static") ? staticClaim(f.get("static").value(), path + ".static", templated)
                : new String[] {null, null};
        return new Storage(capacity, storageClass, modes, home, type, claim[0], claim[1]);
    }

    /** {@code static: {pvc_name, sub_path}}: an existing claim and the user's folder in it. */
    private String[] staticClaim(Node node, String path, boolean templated) {
        String[] out = {null, null};
        Map<String, Field> f = yaml.fields(node, path, STATIC_KEYS, "a mapping (pvc_name, sub_path)");
        if (f == null) {
            return out;
        }
        if (f.containsKey("pvc_name")) {
            Node v = f.get("pvc_name").value();
            String name = yaml.nonEmptyString(v, path + ".pvc_name");
            Optional<String> p = name == null || (templated && name.contains(VALUE_PLACEHOLDER)) ? Optional.empty()
                    : Names.dnsSubdomainProblem("claim name", name);
            if (p.isPresent()) {
                yaml.error(v, path + ".pvc_name", p.get());
            } else {
                out[0] = name;
            }
        }
        if (f.containsKey("sub_path")) {
            Node v = f.get("sub_path").value();
            String sub = yaml.string(v, path + ".sub_path");
            if (sub != null) {
                String bare = sub.replace(USERNAME_PLACEHOLDER, "u").replace(VALUE_PLACEHOLDER, "v");
                if (sub.startsWith("/") || List.of(bare.split("/")).contains("..")) {
                    yaml.error(v, path + ".sub_path", "\"" + sub + "\" must be a relative path inside the claim "
                            + "(no leading / and no ..)");
                } else if (bare.contains("{") || bare.contains("}")) {
                    yaml.error(v, path + ".sub_path", "\"" + sub + "\" uses an unknown placeholder; the one known is "
                            + USERNAME_PLACEHOLDER + (templated ? " (and " + VALUE_PLACEHOLDER + ")" : ""));
                } else {
                    out[1] = sub;
                }
            }
        }
        return out;
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
