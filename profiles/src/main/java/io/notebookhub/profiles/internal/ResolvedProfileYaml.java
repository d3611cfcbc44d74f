package io.notebookhub.profiles.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.notebookhub.config.Durations;
import io.notebookhub.profiles.PodOptions;
import io.notebookhub.profiles.ResolvedProfile;
import io.notebookhub.profiles.Toleration;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a resolved profile as YAML in the same vocabulary admins write, for {@code profiles show}. */
public final class ResolvedProfileYaml {
    private static final YAMLMapper MAPPER = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build());

    private ResolvedProfileYaml() {
    }

    public static String render(ResolvedProfile r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("slug", r.slug());
        out.put("display_name", r.displayName());
        putIfSet(out, "choices", r.choices());
        putIfSet(out, "image", r.image());
        putIfSet(out, "cpu", pair(r.cpuGuarantee(), r.cpuLimit()));
        putIfSet(out, "memory", pair(r.memoryGuarantee(), r.memoryLimit()));
        putIfSet(out, "extra_resource_limits", r.extraResourceLimits());
        putIfSet(out, "tolerations", r.tolerations().stream().map(ResolvedProfileYaml::toleration).toList());
        putIfSet(out, "node_selector", r.nodeSelector());
        Map<String, Object> affinity = new LinkedHashMap<>();
        putIfSet(affinity, "required", r.nodeAffinity().required());
        putIfSet(affinity, "preferred", r.nodeAffinity().preferred());
        putIfSet(out, "node_affinity", affinity);
        putIfSet(out, "env", r.env());
        putIfSet(out, "volumes", r.volumes());
        putIfSet(out, "volume_mounts", r.volumeMounts());
        Map<String, Object> storage = new LinkedHashMap<>();
        putIfSet(storage, "capacity", r.storage().capacity());
        putIfSet(storage, "storage_class", r.storage().storageClass());
        putIfSet(storage, "access_modes", r.storage().accessModes());
        putIfSet(storage, "home_mount_path", r.storage().homeMountPath());
        putIfSet(storage, "type", r.storage().type());
        Map<String, Object> claim = new LinkedHashMap<>();
        putIfSet(claim, "pvc_name", r.storage().staticPvcName());
        putIfSet(claim, "sub_path", r.storage().staticSubPath());
        putIfSet(storage, "static", claim);
        putIfSet(out, "storage", storage);
        pod(out, r.pod());
        putIfSet(out, "idle_timeout", duration(r.idleTimeout()));
        putIfSet(out, "start_timeout", duration(r.startTimeout()));
        putIfSet(out, "max_servers", r.maxServers());
        try {
            return MAPPER.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a resolved profile holds only plain values", e);
        }
    }

    private static void pod(Map<String, Object> out, PodOptions p) {
        putIfSet(out, "init_containers", p.initContainers());
        putIfSet(out, "extra_containers", p.extraContainers());
        putIfSet(out, "lifecycle_hooks", p.lifecycleHooks());
        putIfSet(out, "extra_pod_config", p.extraPodConfig());
        putIfSet(out, "extra_container_config", p.extraContainerConfig());
        putIfSet(out, "image_pull_secrets", p.imagePullSecrets());
        putIfSet(out, "priority_class_name", p.priorityClassName());
        putIfSet(out, "scheduler_name", p.schedulerName());
        putIfSet(out, "pod_affinity", affinity(p.podAffinity()));
        putIfSet(out, "pod_anti_affinity", affinity(p.podAntiAffinity()));
        putIfSet(out, "fs_group", p.fsGroup());
        putIfSet(out, "fs_group_change_policy", p.fsGroupChangePolicy());
        putIfSet(out, "service_account", p.serviceAccount());
        putIfSet(out, "automount_service_account_token", p.automountServiceAccountToken());
    }

    private static Map<String, Object> affinity(PodOptions.AffinityTerms terms) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIfSet(m, "required", terms.required());
        putIfSet(m, "preferred", terms.preferred());
        return m;
    }

    private static Map<String, Object> pair(String guarantee, String limit) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIfSet(m, "guarantee", guarantee);
        putIfSet(m, "limit", limit);
        return m;
    }

    private static Map<String, Object> toleration(Toleration t) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIfSet(m, "key", t.key());
        putIfSet(m, "operator", t.operator());
        putIfSet(m, "value", t.value());
        putIfSet(m, "effect", t.effect());
        putIfSet(m, "tolerationSeconds", t.tolerationSeconds());
        return m;
    }

    private static String duration(Duration d) {
        return d == null ? null : Durations.format(d);
    }

    private static void putIfSet(Map<String, Object> m, String key, Object value) {
        boolean empty = value == null
                || (value instanceof String s && s.isEmpty() && !key.equals("storage_class"))
                || (value instanceof Map<?, ?> map && map.isEmpty())
                || (value instanceof List<?> list && list.isEmpty());
        if (!empty) {
            m.put(key, value);
        }
    }
}
