package io.notebookhub.profiles.internal;

import io.notebookhub.config.Quantities;
import io.notebookhub.profiles.NodeAffinity;
import io.notebookhub.profiles.ProfileOverrides;
import io.notebookhub.profiles.Storage;
import io.notebookhub.profiles.Toleration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Combines two levels of overrides, the later ({@code over}) winning. Maps merge key by key; lists whose items
 * have an identity (tolerations by key and effect, volumes and mounts by name) merge by that identity, a later
 * item replacing an earlier one in place; scalars replace. Node affinity terms are replaced per list, not
 * appended, because required terms are ORed: appending would widen where a pod may run. Pod options merge as
 * {@link PodOptionsMerger} says.
 *
 * <p>Pure: never changes its inputs and always returns new collections, so no call sees another's result.
 */
public final class OverridesMerger {
    private OverridesMerger() {
    }

    public static ProfileOverrides merge(ProfileOverrides base, ProfileOverrides over) {
        return new ProfileOverrides(
                pick(base.image(), over.image()),
                pick(base.cpuGuarantee(), over.cpuGuarantee()),
                pick(base.cpuLimit(), over.cpuLimit()),
                pick(base.memoryGuarantee(), over.memoryGuarantee()),
                pick(base.memoryLimit(), over.memoryLimit()),
                maps(base.extraResourceLimits(), over.extraResourceLimits()),
                byIdentity(base.tolerations(), over.tolerations(), Toleration::identity),
                maps(base.nodeSelector(), over.nodeSelector()),
                new NodeAffinity(
                        over.nodeAffinity().required().isEmpty() ? base.nodeAffinity().required()
                                : over.nodeAffinity().required(),
                        over.nodeAffinity().preferred().isEmpty() ? base.nodeAffinity().preferred()
                                : over.nodeAffinity().preferred()),
                maps(base.env(), over.env()),
                byIdentity(base.volumes(), over.volumes(), v -> String.valueOf(v.get("name"))),
                byIdentity(base.volumeMounts(), over.volumeMounts(), v -> String.valueOf(v.get("name"))),
                new Storage(
                        pick(base.storage().capacity(), over.storage().capacity()),
                        pick(base.storage().storageClass(), over.storage().storageClass()),
                        pick(base.storage().accessModes(), over.storage().accessModes()),
                        pick(base.storage().homeMountPath(), over.storage().homeMountPath()),
                        pick(base.storage().type(), over.storage().type()),
                        pick(base.storage().staticPvcName(), over.storage().staticPvcName()),
                        pick(base.storage().staticSubPath(), over.storage().staticSubPath())),
                pick(base.idleTimeout(), over.idleTimeout()),
                pick(base.startTimeout(), over.startTimeout()),
                PodOptionsMerger.merge(base.pod(), over.pod()));
    }

    private static <T> T pick(T base, T over) {
        return over != null ? over : base;
    }

    private static <V> Map<String, V> maps(Map<String, V> base, Map<String, V> over) {
        Map<String, V> out = new LinkedHashMap<>(base);
        out.putAll(over);
        return Collections.unmodifiableMap(out);
    }

    private static <T> List<T> byIdentity(List<T> base, List<T> over, Function<T, String> identity) {
        Map<String, T> out = new LinkedHashMap<>();
        base.forEach(t -> out.put(identity.apply(t), t));
        over.forEach(t -> out.put(identity.apply(t), t));
        return List.copyOf(out.values());
    }

    /** Replaces {@code {value}} in every text of {@code o} with the user's free text. */
    public static ProfileOverrides substitute(ProfileOverrides o, String value) {
        Function<String, String> s = t -> t == null ? null : t.replace(OverridesReader.VALUE_PLACEHOLDER, value);
        Map<String, String> extra = new LinkedHashMap<>();
        o.extraResourceLimits().forEach((k, v) -> extra.put(k, s.apply(v)));
        Map<String, String> selector = new LinkedHashMap<>();
        o.nodeSelector().forEach((k, v) -> selector.put(k, s.apply(v)));
        Map<String, String> env = new LinkedHashMap<>();
        o.env().forEach((k, v) -> env.put(k, s.apply(v)));
        List<Toleration> tolerations = o.tolerations().stream()
                .map(t -> new Toleration(t.key(), t.operator(), s.apply(t.value()), t.effect(), t.tolerationSeconds()))
                .toList();
        Storage st = o.storage();
        return new ProfileOverrides(s.apply(o.image()), s.apply(o.cpuGuarantee()), s.apply(o.cpuLimit()),
                s.apply(o.memoryGuarantee()), s.apply(o.memoryLimit()), Collections.unmodifiableMap(extra),
                tolerations, Collections.unmodifiableMap(selector), o.nodeAffinity(),
                Collections.unmodifiableMap(env), deepList(o.volumes(), s), deepList(o.volumeMounts(), s),
                new Storage(s.apply(st.capacity()), s.apply(st.storageClass()), st.accessModes(),
                        s.apply(st.homeMountPath()), st.type(), s.apply(st.staticPvcName()),
                        s.apply(st.staticSubPath())),
                o.idleTimeout(), o.startTimeout(), PodOptionsMerger.substitute(o.pod(), s));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> deepList(List<Map<String, Object>> items, Function<String, String> s) {
        List<Map<String, Object>> out = new ArrayList<>();
        items.forEach(m -> out.add((Map<String, Object>) deep(m, s)));
        return List.copyOf(out);
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

    /**
     * Why the quantities in {@code o} cannot be used, alone (after a free-text value was put in) or together
     * (a guarantee above its limit). Only for overrides without {@code {value}} placeholders.
     */
    public static Optional<String> resourceProblem(ProfileOverrides o) {
        for (String q : quantities(o)) {
            Optional<String> p = Quantities.problem(q);
            if (p.isPresent()) {
                return p;
            }
        }
        for (Map.Entry<String, String> e : o.extraResourceLimits().entrySet()) {
            if (!Quantities.isWhole(e.getValue())) {
                return Optional.of(e.getKey() + " must be a whole number, found " + e.getValue());
            }
        }
        if (o.cpuGuarantee() != null && o.cpuLimit() != null
                && Quantities.compare(o.cpuGuarantee(), o.cpuLimit()) > 0) {
            return Optional.of("cpu guarantee " + o.cpuGuarantee() + " is more than limit " + o.cpuLimit());
        }
        if (o.memoryGuarantee() != null && o.memoryLimit() != null
                && Quantities.compare(o.memoryGuarantee(), o.memoryLimit()) > 0) {
            return Optional.of("memory guarantee " + o.memoryGuarantee() + " is more than limit " + o.memoryLimit());
        }
        return Optional.empty();
    }

    private static List<String> quantities(ProfileOverrides o) {
        List<String> out = new ArrayList<>();
        Collections.addAll(out, o.cpuGuarantee(), o.cpuLimit(), o.memoryGuarantee(), o.memoryLimit(),
                o.storage().capacity());
        out.addAll(o.extraResourceLimits().values());
        out.removeIf(Objects::isNull);
        return out;
    }
}
