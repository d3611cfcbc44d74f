package io.notebookhub.profiles;

import io.notebookhub.profiles.internal.OverridesReader;
import io.notebookhub.profiles.internal.YamlNodes;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the global level of overrides (the hub's own spawner defaults) with the same keys, rules and messages as
 * a profile's, so that an admin writes {@code cpu: {limit: "2"}} the same way everywhere.
 */
public final class ProfileOverridesYaml {
    private ProfileOverridesYaml() {
    }

    /**
     * @param source how to name the text in errors (e.g. {@code hub.yaml#spawner.defaults})
     * @param yaml a mapping of override keys; empty text means no overrides
     * @throws InvalidProfilesException listing every problem with its line and column
     */
    public static ProfileOverrides parse(String source, String yaml) {
        if (yaml.isBlank()) {
            // Most configurations have none; SnakeYAML's set-up is tens of milliseconds of every start.
            return ProfileOverrides.NONE;
        }
        List<ProfileError> errors = new ArrayList<>();
        Node node;
        try {
            node = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark();
            throw new InvalidProfilesException(List.of(new ProfileError(source, m == null ? 1 : m.getLine() + 1,
                    m == null ? 1 : m.getColumn() + 1, "YAML syntax: " + e.getProblem())));
        }
        if (node == null) {
            return ProfileOverrides.NONE;
        }
        YamlNodes nodes = new YamlNodes(source, errors);
        Map<String, YamlNodes.Field> fields = nodes.fields(node, "", OverridesReader.KEYS,
                "a mapping of override keys (image, cpu, memory, ...)");
        ProfileOverrides overrides = fields == null ? null : new OverridesReader(nodes).read(fields, "", false);
        if (!errors.isEmpty()) {
            throw new InvalidProfilesException(errors);
        }
        return overrides;
    }
}
