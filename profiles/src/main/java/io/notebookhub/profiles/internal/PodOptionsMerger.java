package io.notebookhub.profiles.internal;

import io.notebookhub.profiles.PodOptions;
import io.notebookhub.profiles.PodOptions.AffinityTerms;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Combines two levels of pod options, the later winning: containers merge by name (a later one replaces an
 * earlier one of the same name in place), lifecycle hooks by hook, pull secrets add up, extra_pod_config and
 * extra_container_config deep-merge ({@link PodOptions#EXTRA_CONFIG_MERGE}), scalars replace, and affinity term
 * lists replace (appending required terms would change their meaning). Pure, like {@link OverridesMerger}.
 */
public final class PodOptionsMerger {
    private PodOptionsMerger() {
    }

    public static PodOptions merge(PodOptions base, PodOptions over) {
        return new PodOptions(
                byName(base.initContainers(), over.initContainers()),
                byName(base.extraContainers(), over.extraContainers()),
                byKey(base.lifecycleHooks(), over.lifecycleHooks()),
                PodOptions.deepMerge(base.extraPodConfig(), over.extraPodConfig(), false),
                PodOptions.deepMerge(base.extraContainerConfig(), over.extraContainerConfig(), false),
                List.copyOf(new LinkedHashSet<>(concat(base.imagePullSecrets(), over.imagePullSecrets()))),
                pick(base.priorityClassName(), over.priorityClassName()),
                pick(base.schedulerName(), over.schedulerName()),
                affinity(base.podAffinity(), over.podAffinity()),
                affinity(base.podAntiAffinity(), over.podAntiAffinity()),
                pick(base.fsGroup(), over.fsGroup()),
                pick(base.fsGroupChangePolicy(), over.fsGroupChangePolicy()),
                pick(base.serviceAccount(), over.serviceAccount()),
                pick(base.automountServiceAccountToken(), over.automountServiceAccountToken()));
    }

    /** Replaces {@code {value}} in every text of {@code o}. */
    @SuppressWarnings("unchecked")
    static PodOptions substitute(PodOptions o, Function<String, String> s) {
        Function<Object, Object> d = v -> deep(v, s);
        return new PodOptions(
                (List<Map<String, Object>>) d.apply(o.initContainers()),
                (List<Map<String, Object>>) d.apply(o.extraContainers()),
                (Map<String, Object>) d.apply(o.lifecycleHooks()),
                (Map<String, Object>) d.apply(o.extraPodConfig()),
                (Map<String, Object>) d.apply(o.extraContainerConfig()),
                o.imagePullSecrets().stream().map(s).toList(),
                s.apply(o.priorityClassName()),
                s.apply(o.schedulerName()),
                new AffinityTerms((List<Map<String, Object>>) d.apply(o.podAffinity().required()),
                        (List<Map<String, Object>>) d.apply(o.podAffinity().preferred())),
                new AffinityTerms((List<Map<String, Object>>) d.apply(o.podAntiAffinity().required()),
                        (List<Map<String, Object>>) d.apply(o.podAntiAffinity().preferred())),
                o.fsGroup(),
                o.fsGroupChangePolicy(),
                s.apply(o.serviceAccount()),
                o.automountServiceAccountToken());
    }

    private static Object deep(Object value, Function<String, String> s) {
        if (value instanceof String text) {
            return s.apply(text);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), deep(v, s)));
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(deep(v, s)));
            return Collections.unmodifiableList(out);
        }
        return value;
    }

    private static AffinityTerms affinity(AffinityTerms base, AffinityTerms over) {
        return new AffinityTerms(over.required().isEmpty() ? base.required() : over.required(),
                over.preferred().isEmpty() ? base.preferred() : over.preferred());
    }

    private static List<Map<String, Object>> byName(List<Map<String, Object>> base, List<Map<String, Object>> over) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        base.forEach(c -> out.put(String.valueOf(c.get("name")), c));
        over.forEach(c -> out.put(String.valueOf(c.get("name")), c));
        return List.copyOf(out.values());
    }

    /** A later hook replaces an earlier one whole: two handlers in one hook would be refused. */
    private static Map<String, Object> byKey(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        out.putAll(over);
        return Collections.unmodifiableMap(out);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static <T> T pick(T base, T over) {
        return over != null ? over : base;
    }
}
