package io.notebookhub.profiles.internal;

import io.notebookhub.profiles.NodeAffinity;
import io.notebookhub.profiles.Toleration;
import io.notebookhub.profiles.internal.YamlNodes.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/** Reads where a pod may run (tolerations, node selector, node affinity) and checks Kubernetes' rules for each. */
final class SchedulingReader {
    private static final List<String> TOLERATION_KEYS = List.of("key", "operator", "value", "effect",
            "tolerationSeconds");
    private static final List<String> OPERATORS = List.of("Equal", "Exists");
    private static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final List<String> AFFINITY_KEYS = List.of("required", "preferred");
    private static final List<String> TERM_KEYS = List.of("matchExpressions", "matchFields");
    private static final List<String> REQUIREMENT_KEYS = List.of("key", "operator", "values");
    private static final List<String> NODE_OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt");
    private static final List<String> PREFERENCE_KEYS = List.of("weight", "preference");

    private final YamlNodes yaml;

    SchedulingReader(YamlNodes yaml) {
        this.yaml = yaml;
    }

    List<Toleration> tolerations(Node node, String path) {
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
        int before = yaml.errorCount();
        String key = f.containsKey("key") ? yaml.string(f.get("key").value(), path + ".key") : "";
        String operator = f.containsKey("operator")
                ? yaml.oneOf(f.get("operator").value(), path + ".operator", "a toleration operator", OPERATORS) : "Equal";
        String value = f.containsKey("value") ? yaml.scalarText(f.get("value").value(), path + ".value") : "";
        String effect = f.containsKey("effect")
                ? yaml.oneOf(f.get("effect").value(), path + ".effect", "a taint effect", EFFECTS) : "";
        Long seconds = f.containsKey("tolerationSeconds")
                ? yaml.integer(f.get("tolerationSeconds").value(), path + ".tolerationSeconds", 0, Long.MAX_VALUE)
                : null;
        if (yaml.errorCount() > before) {
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

    Map<String, String> nodeSelector(Node node, String path) {
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

    NodeAffinity affinity(Node node, String path) {
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
        int before = yaml.errorCount();
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
        return yaml.errorCount() > before ? null : Collections.unmodifiableMap(out);
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
        String op = yaml.oneOf(f.get("operator").value(), path + ".operator", "a node selector operator", NODE_OPERATORS);
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
}
