package io.notebookhub.system.chart;

import static io.notebookhub.system.chart.ChartRendering.str;
import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.config.ConfigReader;
import io.notebookhub.config.Setting;
import io.notebookhub.hub.config.HubConfig;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart speaks only the hub's configuration keys: every key of the config.yaml it renders, every NBHUB_*
 * variable it sets on the hub, and the sections its values schema lets hub.extraConfig hold are declared settings.
 */
class ChartKeysExistTest {
    private static final List<Setting<?>> SETTINGS = HubConfig.reference();
    private static final Set<String> KEYS = SETTINGS.stream().map(Setting::key).collect(Collectors.toSet());

    static List<String> scenarios() {
        return ChartRendering.SCENARIOS;
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void everyRenderedConfigKeyIsADeclaredSetting(String scenario) throws Exception {
        ChartRendering rendering = ChartRendering.of(scenario);
        Map<String, Object> config = ChartRendering.MAPPER.readValue(
                str(rendering.get("ConfigMap", "nbhub-hub-config"), "data", "config.yaml"), Map.class);

        List<String> paths = new ArrayList<>();
        leaves("", config, paths);

        assertThat(paths).isNotEmpty().allSatisfy(path -> assertThat(KEYS).as("declared keys").contains(path));
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void everyNbhubVariableOfTheHubIsADeclaredSetting(String scenario) {
        Map<String, Object> pod = ChartRendering.map(ChartRendering.of(scenario).get("Deployment", "nbhub-hub"),
                "spec", "template", "spec");
        Set<String> names = ChartRendering.maps(pod, "containers").stream()
                .flatMap(c -> ChartRendering.maps(c, "env").stream())
                .map(e -> (String) e.get("name")).filter(n -> n.startsWith("NBHUB_"))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> declared = KEYS.stream().map(ConfigReader::envName).collect(Collectors.toSet());

        assertThat(names).isNotEmpty();
        assertThat(declared).containsAll(names);
    }

    @Test
    void theValuesSchemaLetsExtraConfigHoldOnlyTheHubsSections() throws Exception {
        Map<String, Object> schema = ChartRendering.JSON.readValue(
                Files.readString(Helm.chart().resolve("values.schema.json")), Map.class);
        Map<String, Object> extraConfig = ChartRendering.map(schema, "properties", "hub", "properties", "extraConfig");
        Set<String> sections = KEYS.stream().map(k -> k.split("\\.")[0]).collect(Collectors.toCollection(TreeSet::new));

        assertThat(new TreeSet<>((List<String>) ChartRendering.map(extraConfig, "propertyNames").get("enum")))
                .isEqualTo(sections);
    }

    /** Key paths down to values; a mapping under a declared key (labels, headers) is that key's value. */
    @SuppressWarnings("unchecked")
    private static void leaves(String prefix, Map<String, Object> node, List<String> out) {
        node.forEach((k, v) -> {
            String path = prefix.isEmpty() ? k : prefix + "." + k;
            if (v instanceof Map<?, ?> m && !KEYS.contains(path)) {
                leaves(path, (Map<String, Object>) m, out);
            } else {
                out.add(path);
            }
        });
    }
}
