package io.notebookhub.profiles.internal;

import io.notebookhub.profiles.PodOptions;
import io.notebookhub.profiles.PodOptions.AffinityTerms;
import io.notebookhub.profiles.internal.YamlNodes.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the pod-level keys KubeSpawner users know ({@link PodOptions}), checking the Kubernetes objects inside
 * them field by field so that a typo is reported at its line and column.
 */
final class PodOptionsReader {
    static final List<String> KEYS = List.of("init_containers", "extra_containers", "lifecycle_hooks",
            "extra_pod_config", "extra_container_config", "image_pull_secrets", "priority_class_name",
            "scheduler_name", "pod_affinity", "pod_anti_affinity", "fs_group", "fs_group_change_policy",
            "service_account", "automount_service_account_token");
    /** The notebook container's name (the spawner's readiness and failure checks look for it). */
    static final String NOTEBOOK_CONTAINER = "notebook";
    private static final List<String> AFFINITY_KEYS = List.of("required", "preferred");
    private static final List<String> FS_GROUP_CHANGE_POLICIES = List.of("OnRootMismatch", "Always");

    private final YamlNodes yaml;

    PodOptionsReader(YamlNodes yaml) {
        this.yaml = yaml;
    }

    PodOptions read(Map<String, Field> fields, String prefix) {
        List<Map<String, Object>> init = List.of();
        List<Map<String, Object>> extra = List.of();
        Map<String, Object> hooks = Map.of();
        Map<String, Object> podConfig = Map.of();
        Map<String, Object> containerConfig = Map.of();
        List<String> pullSecrets = List.of();
        String priorityClass = null;
        String scheduler = null;
        AffinityTerms affinity = AffinityTerms.NONE;
        AffinityTerms antiAffinity = AffinityTerms.NONE;
        Long fsGroup = null;
        String fsGroupChangePolicy = null;
        String serviceAccount = null;
        Boolean automount = null;
        boolean any = false;
        for (Field f : fields.values()) {
            String path = prefix + f.key();
            Node v = f.value();
            any |= KEYS.contains(f.key());
            switch (f.key()) {
                case "init_containers" -> init = containers(v, path);
                case "extra_containers" -> extra = containers(v, path);
                case "lifecycle_hooks" -> hooks = lifecycleHooks(v, path);
                case "extra_pod_config" -> podConfig = objectFields(v, path, KubeFields.POD_SPEC, "PodSpec",
                        Map.of("containers", "use extra_containers for more containers and extra_container_config "
                                + "to change the notebook's"));
                case "extra_container_config" -> containerConfig = objectFields(v, path, KubeFields.CONTAINER,
                        "Container", Map.of("name", "the notebook container's name is fixed (\"" + NOTEBOOK_CONTAINER
                                + "\"); the spawner's readiness and failure checks look for it"));
                case "image_pull_secrets" -> pullSecrets = objectNames(v, path, "secret name");
                case "priority_class_name" -> priorityClass = objectName(v, path, "priority class");
                case "scheduler_name" -> scheduler = objectName(v, path, "scheduler name");
                case "pod_affinity" -> affinity = affinity(v, path);
                case "pod_anti_affinity" -> antiAffinity = affinity(v, path);
                case "fs_group" -> fsGroup = yaml.integer(v, path, 0, Integer.MAX_VALUE);
                case "fs_group_change_policy" -> fsGroupChangePolicy = yaml.oneOf(v, path,
                        "an fsGroupChangePolicy", FS_GROUP_CHANGE_POLICIES);
                case "service_account" -> serviceAccount = objectName(v, path, "service account");
                case "automount_service_account_token" -> automount = yaml.bool(v, path);
                default -> {
                    // Not a pod option: the caller reads it.
                }
            }
        }
        if (!any) {
            return PodOptions.NONE;
        }
        return new PodOptions(init, extra, hooks, podConfig, containerConfig, pullSecrets, priorityClass, scheduler,
                affinity, antiAffinity, fsGroup, fsGroupChangePolicy, serviceAccount, automount);
    }

    /** A list of containers, each with a unique DNS-label name and an image, and only Container fields. */
    private List<Map<String, Object>> containers(Node node, String path) {
        List<Node> items = yaml.sequence(node, path);
        if (items == null) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String p = path + "[" + i + "]";
            Map<String, Field> f = yaml.fields(items.get(i), p, KubeFields.CONTAINER, "a Kubernetes container "
                    + "(name, image, ...)");
            if (f == null) {
                continue;
            }
            int before = yaml.errorCount();
            if (!f.containsKey("name")) {
                yaml.error(items.get(i), p, "needs a name");
            } else {
                String name = yaml.string(f.get("name").value(), p + ".name");
                Optional<String> problem = name == null ? Optional.empty() : Names.dnsLabelProblem("name", name);
                if (problem.isPresent()) {
                    yaml.error(f.get("name").value(), p + ".name", problem.get());
                } else if (NOTEBOOK_CONTAINER.equals(name)) {
                    yaml.error(f.get("name").value(), p + ".name", "\"" + NOTEBOOK_CONTAINER + "\" is the notebook "
                            + "container's name; choose another");
                } else if (name != null && !names.add(name)) {
                    yaml.error(f.get("name").value(), p + ".name", "\"" + name + "\" is listed twice");
                }
            }
            if (!f.containsKey("image")) {
                yaml.error(items.get(i), p, "needs an image");
            } else {
                yaml.nonEmptyString(f.get("image").value(), p + ".image");
            }
            if (f.containsKey("lifecycle")) {
                lifecycleHooks(f.get("lifecycle").value(), p + ".lifecycle");
            }
            if (yaml.errorCount() == before) {
                out.add(plainMap(items.get(i)));
            }
        }
        return List.copyOf(out);
    }

    private Map<String, Object> lifecycleHooks(Node node, String path) {
        Map<String, Field> f = yaml.fields(node, path, KubeFields.LIFECYCLE, "a mapping with postStart and/or "
                + "preStop handlers");
        if (f == null) {
            return Map.of();
        }
        int before = yaml.errorCount();
        for (Field hook : f.values()) {
            String p = path + "." + hook.key();
            Map<String, Field> handler = yaml.fields(hook.value(), p, KubeFields.HANDLER,
                    "a handler (exec, httpGet, tcpSocket or sleep)");
            if (handler != null && handler.size() != 1) {
                yaml.error(hook.value(), p, "needs exactly one of exec, httpGet, tcpSocket, sleep");
            }
        }
        return yaml.errorCount() == before ? plainMap(node) : Map.of();
    }

    /**
     * A partial Kubernetes object merged into the manifest: its top-level fields must be fields of {@code kind};
     * {@code refused} names the fields the spawner owns, with why.
     */
    private Map<String, Object> objectFields(Node node, String path, List<String> known, String kind,
                                             Map<String, String> refused) {
        Map<String, Field> f = yaml.fields(node, path, known, "a mapping of " + kind + " fields (camelCase, as in "
                + "Kubernetes YAML)");
        if (f == null) {
            return Map.of();
        }
        int before = yaml.errorCount();
        for (Field field : f.values()) {
            if (refused.containsKey(field.key())) {
                yaml.error(field.keyNode(), path, "\"" + field.key() + "\" cannot be set here: "
                        + refused.get(field.key()));
            }
        }
        return yaml.errorCount() == before ? plainMap(node) : Map.of();
    }

    private String objectName(Node node, String path, String what) {
        String name = yaml.nonEmptyString(node, path);
        if (name == null) {
            return null;
        }
        Optional<String> problem = Names.dnsSubdomainProblem(what, name);
        if (problem.isPresent()) {
            yaml.error(node, path, problem.get());
            return null;
        }
        return name;
    }

    private List<String> objectNames(Node node, String path, String what) {
        List<Node> items = yaml.sequence(node, path);
        if (items == null) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String name = objectName(items.get(i), path + "[" + i + "]", what);
            if (name != null) {
                out.add(name);
            }
        }
        return List.copyOf(out);
    }

    private AffinityTerms affinity(Node node, String path) {
        Map<String, Field> f = yaml.fields(node, path, AFFINITY_KEYS, "a mapping with required and/or preferred");
        if (f == null) {
            return AffinityTerms.NONE;
        }
        List<Map<String, Object>> required = f.containsKey("required")
                ? terms(f.get("required").value(), path + ".required", this::requiredTerm) : List.of();
        List<Map<String, Object>> preferred = f.containsKey("preferred")
                ? terms(f.get("preferred").value(), path + ".preferred", this::preferredTerm) : List.of();
        return new AffinityTerms(required, preferred);
    }

    private List<Map<String, Object>> terms(Node node, String path, Function<Located, Boolean> check) {
        List<Node> items = yaml.sequence(node, path);
        if (items == null) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (check.apply(new Located(items.get(i), path + "[" + i + "]"))) {
                out.add(plainMap(items.get(i)));
            }
        }
        return List.copyOf(out);
    }

    private record Located(Node node, String path) {}

    /** A PodAffinityTerm: a topologyKey is required (the API server refuses a term without one). */
    private boolean requiredTerm(Located at) {
        Map<String, Field> f = yaml.fields(at.node(), at.path(), KubeFields.POD_AFFINITY_TERM,
                "a PodAffinityTerm (labelSelector, topologyKey, ...)");
        if (f == null) {
            return false;
        }
        if (!f.containsKey("topologyKey")) {
            yaml.error(at.node(), at.path(), "needs a topologyKey (e.g. kubernetes.io/hostname)");
            return false;
        }
        return yaml.nonEmptyString(f.get("topologyKey").value(), at.path() + ".topologyKey") != null;
    }

    private boolean preferredTerm(Located at) {
        Map<String, Field> f = yaml.fields(at.node(), at.path(), KubeFields.WEIGHTED_POD_AFFINITY_TERM,
                "a weighted term (weight, podAffinityTerm)");
        if (f == null) {
            return false;
        }
        int before = yaml.errorCount();
        if (!f.containsKey("weight") || !f.containsKey("podAffinityTerm")) {
            yaml.error(at.node(), at.path(), "needs a weight (1-100) and a podAffinityTerm");
            return false;
        }
        yaml.integer(f.get("weight").value(), at.path() + ".weight", 1, 100);
        requiredTerm(new Located(f.get("podAffinityTerm").value(), at.path() + ".podAffinityTerm"));
        return yaml.errorCount() == before;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> plainMap(Node node) {
        // Nulls are kept: in extra_pod_config a null removes a field the spawner would set.
        return Collections.unmodifiableMap(new LinkedHashMap<>((Map<String, Object>) yaml.plain(node)));
    }
}
