package io.notebookhub.spawner.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.notebookhub.config.ConfigReader;
import io.notebookhub.config.Setting;
import io.notebookhub.config.SettingValues;
import io.notebookhub.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Configuration of the Kubernetes spawner: the {@code spawner.kubernetes} block of the hub's configuration. Each
 * setting is declared once below (key, type, default, check, doc); the hub reads, checks, documents and logs them
 * from {@link #SETTINGS}, and code reads a value with {@link #get} (or one of the accessors kept for the older ones).
 * A bad value throws {@link IllegalArgumentException} naming the key.
 */
public final class KubernetesSpawnerConfig {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Set<String> ACCESS_MODES =
            Set.of("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod");

    /** Every setting of this block, in declaration order. */
    public static final Settings SETTINGS = new Settings();

    public static final Setting<String> NAMESPACE = SETTINGS.add(Setting.string("namespace", "",
            "where pods, PVCs and events live; empty: the hub pod's own namespace, else default")
            .check(n -> n.isEmpty() || DNS_LABEL.matcher(n).matches() && n.length() <= 63, "a DNS-1123 label"));
    public static final Setting<String> KUBECONFIG = SETTINGS.add(Setting.string("kubeconfig", "",
            "path of a kubeconfig file; empty: in-cluster credentials, falling back to ~/.kube/config"));
    public static final Setting<String> CONTEXT = SETTINGS.add(Setting.string("context", "",
            "kubeconfig context; empty: the current one"));
    public static final Setting<String> IMAGE = SETTINGS.add(Setting.string("image",
            "quay.io/jupyterhub/k8s-singleuser-sample:4.0.0", "image of a server whose profile names none")
            .check(i -> !i.isBlank(), "an image reference"));
    public static final Setting<String> IMAGE_PULL_POLICY = SETTINGS.add(Setting.oneOf("image_pull_policy",
            "IfNotPresent", Set.of("Always", "IfNotPresent", "Never"), "the user container's imagePullPolicy"));
    public static final Setting<List<String>> IMAGE_PULL_SECRETS = SETTINGS.add(Setting.list("image_pull_secrets",
            List.of(), "names of Secrets in the namespace for pulling images"));
    public static final Setting<Integer> PORT = SETTINGS.add(Setting.integer("port", 8888, 1, 65535,
            "the port jupyterhub-singleuser listens on inside the pod"));
    public static final Setting<List<String>> CMD = SETTINGS.add(Setting.list("cmd", List.of("jupyterhub-singleuser"),
            "the container command").check(c -> !c.isEmpty(), "a non-empty command"));
    public static final Setting<Integer> UID = SETTINGS.add(Setting.integer("uid", 1000, 0, Integer.MAX_VALUE,
            "container user id; never 0: servers do not run as root").check(u -> u > 0, "a non-root user id (> 0)"));
    public static final Setting<Integer> GID = SETTINGS.add(Setting.integer("gid", 100, 0, Integer.MAX_VALUE,
            "container primary group id"));
    public static final Setting<Integer> FS_GROUP = SETTINGS.add(Setting.integer("fs_group", 100, 0,
            Integer.MAX_VALUE, "group that owns mounted volumes"));
    public static final Setting<String> HOME_MOUNT_PATH = SETTINGS.add(Setting.string("home_mount_path",
            "/home/jovyan", "where the user's home volume is mounted, unless the profile says otherwise")
            .check(p -> p.startsWith("/"), "an absolute path"));
    public static final Setting<String> STORAGE_CAPACITY = SETTINGS.add(Setting.quantity("storage.capacity", "10Gi",
            "size of a user's home claim, unless the profile says otherwise"));
    public static final Setting<String> STORAGE_CLASS = SETTINGS.add(Setting.string("storage.storage_class", "",
            "storage class of home claims; empty: the cluster default"));
    public static final Setting<List<String>> STORAGE_ACCESS_MODES = SETTINGS.add(Setting.list("storage.access_modes",
            List.of("ReadWriteOnce"), "access modes of home claims")
            .check(m -> !m.isEmpty() && ACCESS_MODES.containsAll(m), "a non-empty list of " + ACCESS_MODES));
    public static final Setting<String> STORAGE_TYPE = SETTINGS.add(Setting.oneOf("storage.type", "dynamic",
            Set.of("dynamic", "static", "none"), "home volume: dynamic (a claim per user), static (one existing claim, "
                    + "a folder per user) or none, unless the profile says otherwise"));
    public static final Setting<String> STATIC_PVC_NAME = SETTINGS.add(Setting.string("storage.static.pvc_name", "",
            "with storage.type static: the existing claim, unless the profile names one")
            .check(n -> n.isEmpty() || DNS_SUBDOMAIN.matcher(n).matches(), "a claim name"));
    public static final Setting<String> STATIC_SUB_PATH = SETTINGS.add(Setting.string("storage.static.sub_path",
            "{username}", "with storage.type static: the user's folder in the claim ({username}: the safe name)")
            .check(p -> !p.startsWith("/") && !List.of(p.split("/")).contains(".."), "a relative path inside the claim"));
    public static final Setting<Boolean> USER_NAMESPACES = SETTINGS.add(Setting.bool("user_namespaces.enabled", false,
            "each user's pods and claim live in a namespace of their own, created on first spawn"));
    public static final Setting<String> USER_NAMESPACE_TEMPLATE = SETTINGS.add(Setting.string(
            "user_namespaces.template", "{hubnamespace}-{username}",
            "name of a user's namespace; {hubnamespace} is namespace, {username} the user's safe name"));
    public static final Setting<String> SERVICE_ACCOUNT = SETTINGS.add(Setting.string("service_account", "",
            "service account of user pods; empty: the namespace default"));
    public static final Setting<Boolean> AUTOMOUNT_SERVICE_ACCOUNT_TOKEN = SETTINGS.add(Setting.bool(
            "automount_service_account_token", false, "whether user pods see a Kubernetes API token"));
    public static final Setting<Duration> TERMINATION_GRACE_PERIOD = SETTINGS.add(Setting.duration(
            "termination_grace_period", Duration.ofSeconds(30), Duration.ZERO,
            "how long a stopping server may take to save its work").check(d -> d.compareTo(Duration.ofHours(1)) <= 0,
            "at most 1h"));
    public static final Setting<Boolean> DELETE_PVC_ON_USER_DELETE = SETTINGS.add(Setting.bool(
            "delete_pvc_on_user_delete", false, "whether deleting a user deletes their home claim"));
    public static final Setting<Boolean> FAIL_ON_UNSCHEDULABLE = SETTINGS.add(Setting.bool("fail_on_unschedulable",
            false, "end a spawn as soon as the scheduler says no node fits (unless an autoscaler announced a "
                    + "scale-up); by default the spawn waits until the start timeout, saying what no node offers"));
    public static final Setting<Duration> INFORMER_SYNC_TIMEOUT = SETTINGS.add(Setting.duration(
            "informer_sync_timeout", Duration.ofSeconds(60), Duration.ofMillis(1),
            "how long start-up waits for the pod and event caches to fill"));
    public static final Setting<Duration> API_RETRY_TIMEOUT = SETTINGS.add(Setting.duration("api_retry_timeout",
            Duration.ofSeconds(30), Duration.ZERO,
            "how long one Kubernetes API call is retried on 429, 5xx and timeouts before it fails"));
    public static final Setting<Integer> WORKER_POOL_SIZE = SETTINGS.add(Setting.integer("worker_pool_size", 16, 1,
            1024, "threads for blocking Kubernetes API calls"));
    public static final Setting<String> HUB_INSTANCE = SETTINGS.add(Setting.string("hub_instance", "notebook-hub",
            "app.kubernetes.io/instance on every object; separates hubs sharing a namespace")
            .check(KubernetesSpawnerConfig::labelValue, "a non-empty label value"));
    public static final Setting<String> COMPONENT_LABEL = SETTINGS.add(Setting.string("component_label",
            "singleuser-server", "app.kubernetes.io/component on user pods")
            .check(KubernetesSpawnerConfig::labelValue, "a non-empty label value"));
    public static final Setting<Map<String, String>> EXTRA_LABELS = SETTINGS.add(Setting.stringMap("extra_labels",
            "labels added to pods and claims").check(m -> m.values().stream().allMatch(
                    v -> v.isEmpty() || labelValue(v)), "a mapping of label values"));
    public static final Setting<Map<String, String>> EXTRA_ANNOTATIONS = SETTINGS.add(Setting.stringMap(
            "extra_annotations", "annotations added to pods and claims"));
    public static final Setting<String> PRIORITY_CLASS_NAME = SETTINGS.add(Setting.string("priority_class_name", "",
            "PriorityClass of user pods unless the profile names one (the chart's user priority, above its "
                    + "placeholders', so the scheduler preempts a placeholder for a user)")
            .check(v -> v.isEmpty() || DNS_SUBDOMAIN.matcher(v).matches(), "a PriorityClass name"));
    public static final Setting<String> SCHEDULER_NAME = SETTINGS.add(Setting.string("scheduler_name", "",
            "scheduler of user pods unless the profile names one (the chart's packing scheduler)")
            .check(v -> v.isEmpty() || DNS_SUBDOMAIN.matcher(v).matches(), "a scheduler name"));
    public static final Setting<JsonNode> PLACEHOLDER_SCHEDULES = SETTINGS.add(Setting.tree("placeholder_schedules",
            "user placeholder StatefulSets whose replicas follow the time of day: a list of {stateful_set, replicas, "
                    + "timezone, windows: [{days, from, to, replicas}]}, rendered by the chart")
            .check(KubernetesSpawnerConfig::schedulesParse, "a list of {stateful_set, replicas, timezone, windows: "
                    + "[{days, from, to, replicas}]} with times of day such as 08:00 and zones such as Europe/Berlin"));

    /** Made on first use: a hub with the local spawner reads these settings but has no schedules to convert. */
    private static final class Trees {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private final SettingValues values;
    private final String namespace;

    private KubernetesSpawnerConfig(SettingValues values) {
        for (Setting<?> s : SETTINGS.all()) {
            check(s, values);
        }
        this.values = values;
        // The check above only says that a schedule is wrong; this names the entry and field at fault.
        schedules(values.get(PLACEHOLDER_SCHEDULES));
        this.namespace = values.get(NAMESPACE).isEmpty() ? ownNamespace() : values.get(NAMESPACE);
        String longest = namespaceFor("a".repeat(26), get(USER_NAMESPACE_TEMPLATE));
        if (!get(USER_NAMESPACE_TEMPLATE).contains("{username}") || longest.length() > 63
                || !DNS_LABEL.matcher(longest).matches()) {
            throw new IllegalArgumentException("kubernetes." + USER_NAMESPACE_TEMPLATE + " must be a template with "
                    + "{username} giving DNS labels of at most 63 characters (a safe user name has up to 26), got: "
                    + get(USER_NAMESPACE_TEMPLATE));
        }
    }

    private static <T> void check(Setting<T> s, SettingValues values) {
        T value = values.get(s);
        String problem = value == null ? "set" : s.problem(value);
        if (problem != null) {
            throw new IllegalArgumentException("kubernetes." + s.key() + " must be " + problem + ", got: " + value);
        }
    }

    /** The configuration of these values; throws {@link IllegalArgumentException} naming a bad key. */
    public static KubernetesSpawnerConfig of(SettingValues values) {
        return new KubernetesSpawnerConfig(values);
    }

    /**
     * Reads the {@code kubernetes:} block (already parsed into maps, keys as in the hub's {@code spawner.kubernetes}).
     * Unknown keys are refused, so a typo does not silently fall back to a default.
     */
    public static KubernetesSpawnerConfig fromMap(Map<String, ?> block) {
        return of(ConfigReader.readBlock(block, "kubernetes", SETTINGS.all()));
    }

    /** The defaults a Zero-to-JupyterHub user expects, in {@code namespace}. */
    public static KubernetesSpawnerConfig defaults(String namespace) {
        return builder().set(NAMESPACE, namespace).build();
    }

    public <T> T get(Setting<T> setting) {
        return values.get(setting);
    }

    /** The namespace of the user's pods and claim: {@link #namespace} unless user namespaces are on. */
    public String namespaceFor(String safeUser) {
        return get(USER_NAMESPACES) ? namespaceFor(safeUser, get(USER_NAMESPACE_TEMPLATE)) : namespace;
    }

    private String namespaceFor(String safeUser, String template) {
        return template.replace("{hubnamespace}", namespace).replace("{username}", safeUser);
    }

    public String namespace() { return namespace; }
    public String kubeconfig() { return orNull(get(KUBECONFIG)); }
    public String context() { return orNull(get(CONTEXT)); }
    public String image() { return get(IMAGE); }
    public String imagePullPolicy() { return get(IMAGE_PULL_POLICY); }
    public List<String> imagePullSecrets() { return get(IMAGE_PULL_SECRETS); }
    public int port() { return get(PORT); }
    public List<String> cmd() { return get(CMD); }
    public long uid() { return get(UID); }
    public long gid() { return get(GID); }
    public long fsGroup() { return get(FS_GROUP); }
    public String homeMountPath() { return get(HOME_MOUNT_PATH); }
    public String storageCapacity() { return get(STORAGE_CAPACITY); }
    public String storageClass() { return orNull(get(STORAGE_CLASS)); }
    public List<String> storageAccessModes() { return get(STORAGE_ACCESS_MODES); }
    public String serviceAccount() { return orNull(get(SERVICE_ACCOUNT)); }
    public boolean automountServiceAccountToken() { return get(AUTOMOUNT_SERVICE_ACCOUNT_TOKEN); }
    public Duration terminationGracePeriod() { return get(TERMINATION_GRACE_PERIOD); }
    public boolean deletePvcOnUserDelete() { return get(DELETE_PVC_ON_USER_DELETE); }
    public Duration informerSyncTimeout() { return get(INFORMER_SYNC_TIMEOUT); }
    public Duration apiRetryTimeout() { return get(API_RETRY_TIMEOUT); }
    public int workerPoolSize() { return get(WORKER_POOL_SIZE); }
    public String hubInstance() { return get(HUB_INSTANCE); }
    public String componentLabel() { return get(COMPONENT_LABEL); }
    public Map<String, String> extraLabels() { return get(EXTRA_LABELS); }
    public Map<String, String> extraAnnotations() { return get(EXTRA_ANNOTATIONS); }
    public String storageType() { return get(STORAGE_TYPE); }
    public String staticPvcName() { return orNull(get(STATIC_PVC_NAME)); }
    public String staticSubPath() { return get(STATIC_SUB_PATH); }
    public boolean userNamespaces() { return get(USER_NAMESPACES); }
    public String userNamespaceTemplate() { return get(USER_NAMESPACE_TEMPLATE); }
    public String priorityClassName() { return orNull(get(PRIORITY_CLASS_NAME)); }
    public String schedulerName() { return orNull(get(SCHEDULER_NAME)); }

    /** The placeholder schedules, read from their declaration's tree. */
    public List<PlaceholderSchedule> placeholderSchedules() {
        return schedules(get(PLACEHOLDER_SCHEDULES));
    }

    private static List<PlaceholderSchedule> schedules(JsonNode tree) {
        return tree == null || tree.isMissingNode() || tree.isNull() ? List.of()
                : PlaceholderSchedule.fromConfig(Trees.MAPPER.convertValue(tree, Object.class),
                        "kubernetes." + PLACEHOLDER_SCHEDULES.key());
    }

    private static boolean schedulesParse(JsonNode tree) {
        try {
            schedules(tree);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static Builder builder() {
        return new Builder(SettingValues.defaults());
    }

    public Builder toBuilder() {
        return new Builder(values);
    }

    /** The effective configuration for the start-up log (no secrets live here; pull secrets are only names). */
    @Override
    public String toString() {
        return "KubernetesSpawnerConfig{namespace=" + namespace + ", " + values + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KubernetesSpawnerConfig other && values.equals(other.values)
                && namespace.equals(other.namespace);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    private static String orNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static boolean labelValue(String v) {
        return !v.isEmpty() && v.length() <= 63 && LABEL_VALUE.matcher(v).matches();
    }

    /** Builds a config from defaults, one {@link #set} a setting: {@code builder().set(IMAGE, "x").build()}. */
    public static final class Builder {
        private SettingValues values;

        private Builder(SettingValues values) {
            this.values = values;
        }

        public <T> Builder set(Setting<T> setting, T value) {
            values = values.with(setting, value);
            return this;
        }

        public KubernetesSpawnerConfig build() {
            return new KubernetesSpawnerConfig(values);
        }
    }

    /** In a pod, the hub's own namespace (as Zero-to-JupyterHub does); elsewhere {@code default}. */
    private static String ownNamespace() {
        Path file = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
        try {
            return Files.isReadable(file) ? Files.readString(file).trim() : "default";
        } catch (IOException e) {
            return "default";
        }
    }
}
