package io.notebookhub.spawner.kubernetes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Configuration of the Kubernetes spawner, the {@code kubernetes:} block of the hub's YAML (keys as in
 * {@link #fromMap}). Every value is checked when the record is built; a bad value throws
 * {@link IllegalArgumentException} naming the key, so start-up stops with a message an admin can act on.
 *
 * @param namespace where pods, PVCs and events live (default: the hub pod's own namespace, else {@code default})
 * @param kubeconfig path of a kubeconfig file, or null to use in-cluster credentials (falling back to ~/.kube/config)
 * @param context kubeconfig context, or null for the current one
 * @param image image used when the profile names none
 * @param imagePullPolicy Always, IfNotPresent or Never
 * @param imagePullSecrets names of Secrets in {@code namespace}
 * @param port the port jupyterhub-singleuser listens on inside the pod
 * @param cmd the container command
 * @param uid container user id (non-root)
 * @param gid container primary group id
 * @param fsGroup group that owns mounted volumes
 * @param homeMountPath where the user's PVC is mounted, unless the profile says otherwise
 * @param storageCapacity PVC size, unless the profile says otherwise
 * @param storageClass storage class, or null/empty for the cluster default
 * @param storageAccessModes PVC access modes
 * @param serviceAccount service account of user pods, or null for the namespace default
 * @param automountServiceAccountToken whether user pods see a Kubernetes API token
 * @param terminationGracePeriod how long a stopping server may take to save its work
 * @param deletePvcOnUserDelete whether deleting a user deletes their PVC
 * @param informerSyncTimeout how long start-up waits for the pod and event caches to fill
 * @param apiRetryTimeout how long one API call is retried on 429, 5xx and timeouts before it fails
 * @param workerPoolSize threads for blocking Kubernetes API calls
 * @param failOnUnschedulable end a spawn as soon as the scheduler says no node fits (unless a cluster
 *                            autoscaler announced a scale-up); by default the spawn waits, saying what no node
 *                            offers, until the start timeout, since an autoscaler adds nodes only for waiting pods
 * @param hubInstance value of {@code app.kubernetes.io/instance} on every object; separates hubs sharing a namespace
 * @param componentLabel value of {@code app.kubernetes.io/component} on user pods
 * @param extraLabels added to pods and PVCs
 * @param extraAnnotations added to pods and PVCs
 * @param storageType home volume: {@code dynamic} (a PVC per user), {@code static} (one existing claim, a folder per
 *                    user) or {@code none}, unless the profile says otherwise
 * @param staticPvcName with {@code static}: the existing claim, unless the profile names one
 * @param staticSubPath with {@code static}: the user's folder in it; {@code {username}} is the user's safe name
 * @param userNamespaces each user's pods and claim live in a namespace of their own, created on first spawn
 * @param userNamespaceTemplate that namespace's name; {@code {hubnamespace}} is {@code namespace}, {@code {username}}
 *                              the user's safe name
 * @param priorityClassName PriorityClass of user pods unless the profile names one (the chart's user priority, above
 *                          its placeholders', so the scheduler preempts a placeholder for a user), or null
 * @param schedulerName scheduler of user pods unless the profile names one (the chart's packing scheduler), or null
 * @param placeholderSchedules user placeholder StatefulSets whose replicas the spawner sets by time of day
 */
public record KubernetesSpawnerConfig(
        String namespace,
        String kubeconfig,
        String context,
        String image,
        String imagePullPolicy,
        List<String> imagePullSecrets,
        int port,
        List<String> cmd,
        long uid,
        long gid,
        long fsGroup,
        String homeMountPath,
        String storageCapacity,
        String storageClass,
        List<String> storageAccessModes,
        String serviceAccount,
        boolean automountServiceAccountToken,
        Duration terminationGracePeriod,
        boolean deletePvcOnUserDelete,
        Duration informerSyncTimeout,
        Duration apiRetryTimeout,
        int workerPoolSize,
        boolean failOnUnschedulable,
        String hubInstance,
        String componentLabel,
        Map<String, String> extraLabels,
        Map<String, String> extraAnnotations,
        String storageType,
        String staticPvcName,
        String staticSubPath,
        boolean userNamespaces,
        String userNamespaceTemplate,
        String priorityClassName,
        String schedulerName,
        List<PlaceholderSchedule> placeholderSchedules) {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
    private static final Pattern QUANTITY = Pattern.compile("[0-9]+(\\.[0-9]+)?([KMGTPE]i?|[mkEPTG]|e[0-9]+)?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Set<String> STORAGE_TYPES = Set.of("dynamic", "static", "none");
    private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");
    private static final Set<String> ACCESS_MODES =
            Set.of("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod");

    public KubernetesSpawnerConfig {
        require(namespace != null && DNS_LABEL.matcher(namespace).matches() && namespace.length() <= 63,
                "namespace", "a DNS-1123 label", namespace);
        require(image != null && !image.isBlank(), "image", "an image reference", image);
        require(PULL_POLICIES.contains(imagePullPolicy), "imagePullPolicy", "one of " + PULL_POLICIES, imagePullPolicy);
        imagePullSecrets = List.copyOf(Objects.requireNonNullElse(imagePullSecrets, List.of()));
        require(port > 0 && port < 65536, "port", "1..65535", port);
        cmd = List.copyOf(Objects.requireNonNullElse(cmd, List.of()));
        require(!cmd.isEmpty(), "cmd", "a non-empty command", cmd);
        require(uid > 0, "uid", "a non-root user id (> 0)", uid);
        require(gid >= 0, "gid", ">= 0", gid);
        require(fsGroup >= 0, "fsGroup", ">= 0", fsGroup);
        require(homeMountPath != null && homeMountPath.startsWith("/"), "homeMountPath", "an absolute path",
                homeMountPath);
        require(storageCapacity != null && QUANTITY.matcher(storageCapacity).matches(), "storageCapacity",
                "a Kubernetes quantity such as 10Gi", storageCapacity);
        storageAccessModes = List.copyOf(Objects.requireNonNullElse(storageAccessModes, List.of("ReadWriteOnce")));
        require(!storageAccessModes.isEmpty() && ACCESS_MODES.containsAll(storageAccessModes), "storageAccessModes",
                "a non-empty list of " + ACCESS_MODES, storageAccessModes);
        require(!terminationGracePeriod.isNegative(), "terminationGracePeriod", ">= 0", terminationGracePeriod);
        require(informerSyncTimeout.toMillis() > 0, "informerSyncTimeout", "> 0", informerSyncTimeout);
        require(!apiRetryTimeout.isNegative(), "apiRetryTimeout", ">= 0", apiRetryTimeout);
        require(workerPoolSize > 0, "workerPoolSize", "> 0", workerPoolSize);
        require(hubInstance != null && LABEL_VALUE.matcher(hubInstance).matches() && !hubInstance.isEmpty()
                && hubInstance.length() <= 63, "hubInstance", "a label value", hubInstance);
        require(componentLabel != null && LABEL_VALUE.matcher(componentLabel).matches() && !componentLabel.isEmpty()
                && componentLabel.length() <= 63, "componentLabel", "a label value", componentLabel);
        extraLabels = Map.copyOf(Objects.requireNonNullElse(extraLabels, Map.of()));
        extraLabels.forEach((k, v) -> require(LABEL_VALUE.matcher(v).matches() && v.length() <= 63,
                "extraLabels." + k, "a label value", v));
        extraAnnotations = Map.copyOf(Objects.requireNonNullElse(extraAnnotations, Map.of()));
        require(STORAGE_TYPES.contains(storageType), "storageType", "one of " + STORAGE_TYPES, storageType);
        require(staticPvcName == null || DNS_SUBDOMAIN.matcher(staticPvcName).matches(), "staticPvcName",
                "a claim name", staticPvcName);
        require(staticSubPath != null && !staticSubPath.startsWith("/") && !List.of(staticSubPath.split("/"))
                .contains(".."), "staticSubPath", "a relative path inside the claim", staticSubPath);
        require(userNamespaceTemplate != null && userNamespaceTemplate.contains("{username}")
                && longestNamespace(namespace, userNamespaceTemplate).length() <= 63
                && DNS_LABEL.matcher(longestNamespace(namespace, userNamespaceTemplate)).matches(),
                "userNamespaceTemplate", "a template with {username} giving DNS labels of at most 63 characters "
                + "(a safe user name has up to 26)", userNamespaceTemplate);
        priorityClassName = priorityClassName == null || priorityClassName.isEmpty() ? null : priorityClassName;
        require(priorityClassName == null || DNS_SUBDOMAIN.matcher(priorityClassName).matches(), "priorityClassName",
                "a PriorityClass name", priorityClassName);
        schedulerName = schedulerName == null || schedulerName.isEmpty() ? null : schedulerName;
        require(schedulerName == null || DNS_SUBDOMAIN.matcher(schedulerName).matches(), "schedulerName",
                "a scheduler name", schedulerName);
        placeholderSchedules = List.copyOf(Objects.requireNonNullElse(placeholderSchedules, List.of()));
        placeholderSchedules.forEach(p -> require(DNS_SUBDOMAIN.matcher(p.statefulSet()).matches(),
                "placeholderSchedules.stateful_set", "a StatefulSet name", p.statefulSet()));
    }

    /** The namespace of the user's pods and claim: {@link #namespace} unless user namespaces are on. */
    public String namespaceFor(String safeUser) {
        return userNamespaces ? userNamespaceTemplate.replace("{hubnamespace}", namespace)
                .replace("{username}", safeUser) : namespace;
    }

    private static String longestNamespace(String namespace, String template) {
        return template.replace("{hubnamespace}", String.valueOf(namespace)).replace("{username}", "a".repeat(26));
    }

    /** The defaults a Zero-to-JupyterHub user expects, in {@code namespace}. */
    public static KubernetesSpawnerConfig defaults(String namespace) {
        return builder().namespace(namespace).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(asMap());
        return b;
    }

    /** The effective configuration for the start-up log (no secrets live here; pull secrets are only names). */
    @Override
    public String toString() {
        return "KubernetesSpawnerConfig" + asMap();
    }

    private Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("namespace", namespace);
        m.put("kubeconfig", kubeconfig);
        m.put("context", context);
        m.put("image", image);
        m.put("imagePullPolicy", imagePullPolicy);
        m.put("imagePullSecrets", imagePullSecrets);
        m.put("port", port);
        m.put("cmd", cmd);
        m.put("uid", uid);
        m.put("gid", gid);
        m.put("fsGroup", fsGroup);
        m.put("homeMountPath", homeMountPath);
        m.put("storageCapacity", storageCapacity);
        m.put("storageClass", storageClass);
        m.put("storageAccessModes", storageAccessModes);
        m.put("serviceAccount", serviceAccount);
        m.put("automountServiceAccountToken", automountServiceAccountToken);
        m.put("terminationGracePeriod", terminationGracePeriod);
        m.put("deletePvcOnUserDelete", deletePvcOnUserDelete);
        m.put("informerSyncTimeout", informerSyncTimeout);
        m.put("apiRetryTimeout", apiRetryTimeout);
        m.put("workerPoolSize", workerPoolSize);
        m.put("failOnUnschedulable", failOnUnschedulable);
        m.put("hubInstance", hubInstance);
        m.put("componentLabel", componentLabel);
        m.put("extraLabels", extraLabels);
        m.put("extraAnnotations", extraAnnotations);
        m.put("storageType", storageType);
        m.put("staticPvcName", staticPvcName);
        m.put("staticSubPath", staticSubPath);
        m.put("userNamespaces", userNamespaces);
        m.put("userNamespaceTemplate", userNamespaceTemplate);
        m.put("priorityClassName", priorityClassName);
        m.put("schedulerName", schedulerName);
        m.put("placeholderSchedules", placeholderSchedules);
        return m;
    }

    /**
     * Reads the {@code kubernetes:} block of the YAML config (already parsed into maps). Unknown keys are
     * refused, so a typo does not silently fall back to a default. Durations accept {@code 30s}, {@code 5m},
     * {@code 250ms}, ISO-8601 ({@code PT30S}) or a plain number of seconds.
     */
    public static KubernetesSpawnerConfig fromMap(Map<String, ?> block) {
        Builder b = builder();
        for (Map.Entry<String, ?> e : block.entrySet()) {
            if (!b.values.containsKey(e.getKey())) {
                throw new IllegalArgumentException("kubernetes." + e.getKey() + " is not a known key; known keys: "
                        + b.values.keySet());
            }
            b.set(e.getKey(), e.getValue());
        }
        return b.build();
    }

    private static void require(boolean ok, String key, String expected, Object actual) {
        if (!ok) {
            throw new IllegalArgumentException("kubernetes." + key + " must be " + expected + ", got: " + actual);
        }
    }

    /** Builds a config from defaults; each setter uses the YAML key's name. */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Builder() {
            values.put("namespace", ownNamespace());
            values.put("kubeconfig", null);
            values.put("context", null);
            values.put("image", "quay.io/jupyterhub/k8s-singleuser-sample:4.0.0");
            values.put("imagePullPolicy", "IfNotPresent");
            values.put("imagePullSecrets", List.of());
            values.put("port", 8888);
            values.put("cmd", List.of("jupyterhub-singleuser"));
            values.put("uid", 1000L);
            values.put("gid", 100L);
            values.put("fsGroup", 100L);
            values.put("homeMountPath", "/home/jovyan");
            values.put("storageCapacity", "10Gi");
            values.put("storageClass", null);
            values.put("storageAccessModes", List.of("ReadWriteOnce"));
            values.put("serviceAccount", null);
            values.put("automountServiceAccountToken", false);
            values.put("terminationGracePeriod", Duration.ofSeconds(30));
            values.put("deletePvcOnUserDelete", false);
            values.put("informerSyncTimeout", Duration.ofSeconds(60));
            values.put("apiRetryTimeout", Duration.ofSeconds(30));
            values.put("workerPoolSize", 16);
            values.put("failOnUnschedulable", false);
            values.put("hubInstance", "notebook-hub");
            values.put("componentLabel", "singleuser-server");
            values.put("extraLabels", Map.of());
            values.put("extraAnnotations", Map.of());
            values.put("storageType", "dynamic");
            values.put("staticPvcName", null);
            values.put("staticSubPath", "{username}");
            values.put("userNamespaces", false);
            values.put("userNamespaceTemplate", "{hubnamespace}-{username}");
            values.put("priorityClassName", null);
            values.put("schedulerName", null);
            values.put("placeholderSchedules", List.of());
        }

        public Builder namespace(String v) { return set("namespace", v); }
        public Builder kubeconfig(String v) { return set("kubeconfig", v); }
        public Builder context(String v) { return set("context", v); }
        public Builder image(String v) { return set("image", v); }
        public Builder imagePullPolicy(String v) { return set("imagePullPolicy", v); }
        public Builder imagePullSecrets(List<String> v) { return set("imagePullSecrets", v); }
        public Builder port(int v) { return set("port", v); }
        public Builder cmd(List<String> v) { return set("cmd", v); }
        public Builder uid(long v) { return set("uid", v); }
        public Builder gid(long v) { return set("gid", v); }
        public Builder fsGroup(long v) { return set("fsGroup", v); }
        public Builder homeMountPath(String v) { return set("homeMountPath", v); }
        public Builder storageCapacity(String v) { return set("storageCapacity", v); }
        public Builder storageClass(String v) { return set("storageClass", v); }
        public Builder storageAccessModes(List<String> v) { return set("storageAccessModes", v); }
        public Builder serviceAccount(String v) { return set("serviceAccount", v); }
        public Builder automountServiceAccountToken(boolean v) { return set("automountServiceAccountToken", v); }
        public Builder terminationGracePeriod(Duration v) { return set("terminationGracePeriod", v); }
        public Builder deletePvcOnUserDelete(boolean v) { return set("deletePvcOnUserDelete", v); }
        public Builder informerSyncTimeout(Duration v) { return set("informerSyncTimeout", v); }
        public Builder apiRetryTimeout(Duration v) { return set("apiRetryTimeout", v); }
        public Builder workerPoolSize(int v) { return set("workerPoolSize", v); }
        public Builder failOnUnschedulable(boolean v) { return set("failOnUnschedulable", v); }
        public Builder hubInstance(String v) { return set("hubInstance", v); }
        public Builder componentLabel(String v) { return set("componentLabel", v); }
        public Builder extraLabels(Map<String, String> v) { return set("extraLabels", v); }
        public Builder extraAnnotations(Map<String, String> v) { return set("extraAnnotations", v); }
        public Builder storageType(String v) { return set("storageType", v); }
        public Builder staticPvcName(String v) { return set("staticPvcName", v); }
        public Builder staticSubPath(String v) { return set("staticSubPath", v); }
        public Builder userNamespaces(boolean v) { return set("userNamespaces", v); }
        public Builder userNamespaceTemplate(String v) { return set("userNamespaceTemplate", v); }
        public Builder priorityClassName(String v) { return set("priorityClassName", v); }
        public Builder schedulerName(String v) { return set("schedulerName", v); }
        public Builder placeholderSchedules(List<PlaceholderSchedule> v) { return set("placeholderSchedules", v); }

        private Builder set(String key, Object raw) {
            if (key.equals("placeholderSchedules")) {
                values.put(key, PlaceholderSchedule.fromConfig(raw, "kubernetes.placeholderSchedules"));
                return this;
            }
            Object def = values.get(key);
            values.put(key, coerce(key, raw, def));
            return this;
        }

        public KubernetesSpawnerConfig build() {
            return new KubernetesSpawnerConfig(str("namespace"), str("kubeconfig"), str("context"), str("image"),
                    str("imagePullPolicy"), list("imagePullSecrets"), (Integer) values.get("port"), list("cmd"),
                    (Long) values.get("uid"), (Long) values.get("gid"), (Long) values.get("fsGroup"),
                    str("homeMountPath"), str("storageCapacity"), str("storageClass"), list("storageAccessModes"),
                    str("serviceAccount"), (Boolean) values.get("automountServiceAccountToken"),
                    (Duration) values.get("terminationGracePeriod"), (Boolean) values.get("deletePvcOnUserDelete"),
                    (Duration) values.get("informerSyncTimeout"), (Duration) values.get("apiRetryTimeout"),
                    (Integer) values.get("workerPoolSize"), (Boolean) values.get("failOnUnschedulable"),
                    str("hubInstance"), str("componentLabel"), map("extraLabels"), map("extraAnnotations"),
                    str("storageType"), str("staticPvcName"), str("staticSubPath"),
                    (Boolean) values.get("userNamespaces"), str("userNamespaceTemplate"), str("priorityClassName"),
                    str("schedulerName"), placeholderSchedules());
        }

        private String str(String k) { return (String) values.get(k); }

        @SuppressWarnings("unchecked")
        private List<PlaceholderSchedule> placeholderSchedules() {
            return (List<PlaceholderSchedule>) values.get("placeholderSchedules");
        }

        @SuppressWarnings("unchecked")
        private List<String> list(String k) { return (List<String>) values.get(k); }

        @SuppressWarnings("unchecked")
        private Map<String, String> map(String k) { return (Map<String, String>) values.get(k); }
    }

    /** In a pod, the hub's own namespace (as Zero-to-JupyterHub does); elsewhere {@code default}. */
    private static String ownNamespace() {
        java.nio.file.Path file = java.nio.file.Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
        try {
            return java.nio.file.Files.isReadable(file) ? java.nio.file.Files.readString(file).trim() : "default";
        } catch (java.io.IOException e) {
            return "default";
        }
    }

    private static Object coerce(String key, Object raw, Object def) {
        if (raw == null) {
            return null;
        }
        try {
            if (def instanceof Integer) {
                return raw instanceof Number n ? n.intValue() : Integer.parseInt(raw.toString().trim());
            }
            if (def instanceof Long) {
                return raw instanceof Number n ? n.longValue() : Long.parseLong(raw.toString().trim());
            }
            if (def instanceof Boolean) {
                String s = raw.toString().trim();
                if (!s.equals("true") && !s.equals("false")) {
                    throw new IllegalArgumentException("not true/false");
                }
                return Boolean.parseBoolean(s);
            }
            if (def instanceof Duration) {
                return raw instanceof Duration d ? d : parseDuration(raw.toString().trim());
            }
            if (def instanceof List) {
                if (raw instanceof List<?> l) {
                    List<String> out = new ArrayList<>();
                    l.forEach(x -> out.add(String.valueOf(x)));
                    return out;
                }
                return List.of(raw.toString().split("\\s*,\\s*"));
            }
            if (def instanceof Map) {
                if (!(raw instanceof Map<?, ?> m)) {
                    throw new IllegalArgumentException("not a map");
                }
                Map<String, String> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
                return out;
            }
            return raw.toString();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("kubernetes." + key + " has a value of the wrong type ("
                    + e.getMessage() + "): " + raw, e);
        }
    }

    static Duration parseDuration(String s) {
        if (s.startsWith("P") || s.startsWith("p")) {
            return Duration.parse(s);
        }
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
        }
        char unit = s.charAt(s.length() - 1);
        String num = Character.isDigit(unit) ? s : s.substring(0, s.length() - 1).trim();
        long n = Long.parseLong(num);
        return switch (unit) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> {
                if (Character.isDigit(unit)) {
                    yield Duration.ofSeconds(n);
                }
                throw new IllegalArgumentException("unknown duration unit " + unit);
            }
        };
    }
}
