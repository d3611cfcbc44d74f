package io.notebookhub.hub.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code spawner.kubernetes.*} keys. They are read (and so declared and checked) here; the Kubernetes
 * spawner turns the resulting map into its own typed configuration.
 */
final class KubernetesKeys {
    private KubernetesKeys() {
    }

    static Map<String, Object> read(ConfigReader r) {
        String p = "spawner.kubernetes.";
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("namespace", r.string(p + "namespace", ""));
        m.put("kubeconfig", r.string(p + "kubeconfig", ""));
        m.put("image", r.string(p + "image", "quay.io/jupyterhub/k8s-singleuser-sample:4.0.0"));
        m.put("image_pull_policy", r.oneOf(p + "image_pull_policy", "IfNotPresent",
                java.util.Set.of("Always", "IfNotPresent", "Never")));
        m.put("image_pull_secrets", r.list(p + "image_pull_secrets", List.of()));
        m.put("port", r.integer(p + "port", 8888, 1, 65535));
        m.put("cmd", r.list(p + "cmd", List.of("jupyterhub-singleuser")));
        m.put("uid", r.integer(p + "uid", 1000, 1, Integer.MAX_VALUE));
        m.put("fs_group", r.integer(p + "fs_group", 100, 0, Integer.MAX_VALUE));
        m.put("home_mount_path", r.string(p + "home_mount_path", "/home/jovyan"));
        m.put("storage_capacity", r.string(p + "storage.capacity", "10Gi"));
        m.put("storage_class", r.string(p + "storage.storage_class", ""));
        m.put("storage_access_modes", r.list(p + "storage.access_modes", List.of("ReadWriteOnce")));
        m.put("storage_type", r.oneOf(p + "storage.type", "dynamic", java.util.Set.of("dynamic", "static", "none")));
        m.put("storage_static_pvc_name", r.string(p + "storage.static.pvc_name", ""));
        m.put("storage_static_sub_path", r.string(p + "storage.static.sub_path", "{username}"));
        m.put("user_namespaces", r.bool(p + "user_namespaces.enabled", false));
        m.put("user_namespace_template", r.string(p + "user_namespaces.template", "{hubnamespace}-{username}"));
        m.put("service_account", r.string(p + "service_account", ""));
        m.put("automount_service_account_token", r.bool(p + "automount_service_account_token", false));
        m.put("termination_grace_period", r.integer(p + "termination_grace_period", 30, 0, 3600));
        m.put("delete_pvc_on_user_delete", r.bool(p + "delete_pvc_on_user_delete", false));
        m.put("fail_on_unschedulable", r.bool(p + "fail_on_unschedulable", false));
        m.put("informer_sync_timeout", r.integer(p + "informer_sync_timeout", 60, 1, 3600));
        m.put("hub_instance", r.string(p + "hub_instance", "notebook-hub"));
        m.put("priority_class_name", r.string(p + "priority_class_name", ""));
        m.put("scheduler_name", r.string(p + "scheduler_name", ""));
        com.fasterxml.jackson.databind.JsonNode schedules = r.tree(p + "placeholder_schedules");
        m.put("placeholder_schedules", schedules.isMissingNode() ? List.of()
                : new com.fasterxml.jackson.databind.ObjectMapper().convertValue(schedules, Object.class));
        m.put("extra_labels", r.stringMap(p + "extra_labels"));
        m.put("extra_annotations", r.stringMap(p + "extra_annotations"));
        return Map.copyOf(m);
    }
}
