package io.notebookhub.profiles.internal;

import io.notebookhub.config.Suggestions;
import io.notebookhub.profiles.ProfileError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Typed reading of one file's YAML node tree. Every problem is recorded with the position of the node it is
 * about (the key for unknown keys, the value otherwise) and reading goes on, so one pass reports all errors.
 * Readers return null for a value they rejected.
 */
public final class YamlNodes {
    private final String file;
    private final List<ProfileError> errors;

    public YamlNodes(String file, List<ProfileError> errors) {
        this.file = file;
        this.errors = errors;
    }

    public int errorCount() {
        return errors.size();
    }

    public String file() {
        return file;
    }

    public String position(Node node) {
        return file + ":" + (node.getStartMark().getLine() + 1) + ":" + (node.getStartMark().getColumn() + 1);
    }

    public void error(Node node, String path, String message) {
        String text = path == null || path.isEmpty() ? message : path + ": " + message;
        errors.add(new ProfileError(file, node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1, text));
    }

    /** A key with its key node, for positions, and its value node. */
    public record Field(String key, Node keyNode, Node value) {
    }

    /**
     * The fields of a mapping, in order, after rejecting keys not in {@code known} (with a suggestion) and
     * repeated keys. Null when the node is not a mapping.
     */
    public Map<String, Field> fields(Node node, String path, Collection<String> known, String expected) {
        if (!(node instanceof MappingNode mapping)) {
            error(node, path, "expected " + expected + ", found " + describe(node));
            return null;
        }
        Map<String, Field> out = new LinkedHashMap<>();
        List<NodeTuple> merged = new ArrayList<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode().getTag() == Tag.MERGE) {
                merged.addAll(mergedTuples(tuple.getValueNode(), path));
                continue;
            }
            String key = keyText(tuple.getKeyNode(), path);
            if (key == null) {
                continue;
            }
            if (out.containsKey(key)) {
                error(tuple.getKeyNode(), path, "duplicate key \"" + key + "\" (first at line "
                        + (out.get(key).keyNode().getStartMark().getLine() + 1) + ")");
                continue;
            }
            accept(out, tuple, path, known);
        }
        // YAML merge keys ("<<: *anchor"): keys written in the mapping itself win, then earlier merged mappings.
        for (NodeTuple tuple : merged) {
            if (tuple.getKeyNode() instanceof ScalarNode k && !out.containsKey(k.getValue())) {
                accept(out, tuple, path, known);
            }
        }
        return out;
    }

    private void accept(Map<String, Field> out, NodeTuple tuple, String path, Collection<String> known) {
        String key = ((ScalarNode) tuple.getKeyNode()).getValue();
        if (known != null && !known.contains(key)) {
            Optional<String> guess = Suggestions.closest(key, known);
            error(tuple.getKeyNode(), path, "unknown key \"" + key + "\""
                    + guess.map(g -> " (did you mean \"" + g + "\"?)").orElse("")
                    + (guess.isEmpty() ? "; known keys: " + String.join(", ", known) : ""));
            return;
        }
        out.put(key, new Field(key, tuple.getKeyNode(), tuple.getValueNode()));
    }

    private List<NodeTuple> mergedTuples(Node value, String path) {
        List<NodeTuple> out = new ArrayList<>();
        if (value instanceof MappingNode m) {
            List<NodeTuple> nested = new ArrayList<>();
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode().getTag() == Tag.MERGE) {
                    nested.addAll(mergedTuples(t.getValueNode(), path));
                } else {
                    out.add(t);
                }
            }
            out.addAll(nested);
        } else if (value instanceof SequenceNode seq
                && seq.getValue().stream().allMatch(n -> n instanceof MappingNode)) {
            seq.getValue().forEach(n -> out.addAll(mergedTuples(n, path)));
        } else {
            error(value, path, "\"<<\" merges a mapping or a list of mappings, found " + describe(value));
        }
        return out;
    }

    private String keyText(Node keyNode, String path) {
        if (keyNode instanceof ScalarNode scalar && scalar.getTag() != Tag.NULL) {
            return scalar.getValue();
        }
        error(keyNode, path, "keys must be plain text, found " + describe(keyNode));
        return null;
    }

    /** Text of a scalar that must be a YAML string (quoted numbers are strings; bare numbers are not). */
    public String string(Node node, String path) {
        if (node instanceof ScalarNode scalar && scalar.getTag() == Tag.STR) {
            return scalar.getValue();
        }
        error(node, path, "expected text, found " + describe(node));
        return null;
    }

    /** Text of any non-null scalar: numbers and booleans are taken as written (for env values, labels). */
    public String scalarText(Node node, String path) {
        if (node instanceof ScalarNode scalar && scalar.getTag() != Tag.NULL) {
            return scalar.getValue();
        }
        error(node, path, "expected a single value, found " + describe(node));
        return null;
    }

    public String nonEmptyString(Node node, String path) {
        String s = string(node, path);
        if (s != null && s.isBlank()) {
            error(node, path, "must not be empty");
            return null;
        }
        return s;
    }

    /** Text that must be one of {@code allowed}; {@code what} names it with its article ("a taint effect"). */
    public String oneOf(Node node, String path, String what, List<String> allowed) {
        String text = string(node, path);
        if (text == null) {
            return null;
        }
        if (!allowed.contains(text)) {
            Optional<String> guess = Suggestions.closest(text, allowed);
            error(node, path, "\"" + text + "\" is not " + what + "; use one of " + String.join(", ", allowed)
                    + guess.map(g -> " (did you mean \"" + g + "\"?)").orElse(""));
            return null;
        }
        return text;
    }


    public Boolean bool(Node node, String path) {
        if (node instanceof ScalarNode scalar && scalar.getTag() == Tag.BOOL) {
            String v = scalar.getValue().toLowerCase();
            return v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("y");
        }
        error(node, path, "expected true or false, found " + describe(node));
        return null;
    }

    public Long integer(Node node, String path, long min, long max) {
        if (node instanceof ScalarNode scalar && scalar.getTag() == Tag.INT) {
            long value;
            try {
                value = Long.decode(scalar.getValue().replace("_", ""));
            } catch (NumberFormatException e) {
                error(node, path, "\"" + scalar.getValue() + "\" is out of range");
                return null;
            }
            if (value < min || value > max) {
                error(node, path, value + " is out of range; allowed: " + min + " to " + max);
                return null;
            }
            return value;
        }
        error(node, path, "expected a whole number, found " + describe(node));
        return null;
    }

    public List<Node> sequence(Node node, String path) {
        if (node instanceof SequenceNode seq) {
            return seq.getValue();
        }
        error(node, path, "expected a list, found " + describe(node));
        return null;
    }

    public List<String> strings(Node node, String path) {
        List<Node> items = sequence(node, path);
        if (items == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String s = nonEmptyString(items.get(i), path + "[" + i + "]");
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * A mapping whose values are single values (env, node_selector, extra_resource_limits): the fields whose value
     * is a non-null scalar, the others reported.
     */
    public Map<String, Field> scalarFields(Node node, String path, String expected) {
        Map<String, Field> fields = fields(node, path, null, expected);
        if (fields == null) {
            return null;
        }
        Map<String, Field> out = new LinkedHashMap<>();
        for (Field f : fields.values()) {
            if (scalarText(f.value(), path + "." + f.key()) != null) {
                out.put(f.key(), f);
            }
        }
        return out;
    }

    public static String text(Field scalarField) {
        return ((ScalarNode) scalarField.value()).getValue();
    }

    /**
     * A Kubernetes object as plain Java values (maps keep their order; numbers and booleans keep their types), so
     * it can be passed to the spawner unchanged.
     */
    public Object plain(Node node) {
        if (node instanceof MappingNode mapping) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple t : mapping.getValue()) {
                out.put(t.getKeyNode() instanceof ScalarNode k ? k.getValue() : describe(t.getKeyNode()),
                        plain(t.getValueNode()));
            }
            return out;
        }
        if (node instanceof SequenceNode seq) {
            List<Object> out = new ArrayList<>();
            seq.getValue().forEach(n -> out.add(plain(n)));
            return out;
        }
        ScalarNode scalar = (ScalarNode) node;
        Tag tag = scalar.getTag();
        if (tag == Tag.NULL) {
            return null;
        }
        if (tag == Tag.BOOL) {
            return bool(scalar, "");
        }
        if (tag == Tag.INT) {
            try {
                return Long.decode(scalar.getValue().replace("_", ""));
            } catch (NumberFormatException e) {
                return scalar.getValue();
            }
        }
        if (tag == Tag.FLOAT) {
            try {
                return Double.valueOf(scalar.getValue());
            } catch (NumberFormatException e) {
                return scalar.getValue();
            }
        }
        return scalar.getValue();
    }

    public static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode scalar = (ScalarNode) node;
        Tag tag = scalar.getTag();
        if (tag == Tag.NULL) {
            return "no value";
        }
        if (tag == Tag.INT || tag == Tag.FLOAT) {
            return "the number " + scalar.getValue();
        }
        if (tag == Tag.BOOL) {
            return "the boolean " + scalar.getValue();
        }
        return "the text \"" + scalar.getValue() + "\"";
    }
}
