package io.notebookhub.profiles;

import java.util.List;
import java.util.Map;

/**
 * Node affinity in Kubernetes' own JSON shape, so admins can paste what they know.
 *
 * @param required node selector terms (each {@code {matchExpressions: [...]}}), any of which must match
 * @param preferred weighted preferences (each {@code {weight: N, preference: {matchExpressions: [...]}}})
 */
public record NodeAffinity(List<Map<String, Object>> required, List<Map<String, Object>> preferred) {
    public static final NodeAffinity NONE = new NodeAffinity(List.of(), List.of());

    public boolean isEmpty() {
        return required.isEmpty() && preferred.isEmpty();
    }
}
