package io.notebookhub.system.chart;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chart rendered by {@code helm template} for one set of values files, parsed into plain maps.
 * Renderings are cached per values set because every test class asks for the same few.
 */
final class ChartRendering {

    static final String RELEASE = "nbhub";
    static final String NAMESPACE = "notebooks";
    static final YAMLMapper MAPPER = new YAMLMapper(new YAMLFactory());
    static final ObjectMapper JSON = JsonMapper.builder().build();

    /** The values files under src/test/resources/chart that must render; "" is the chart's defaults. */
    static final List<String> SCENARIOS = List.of("", "gpu-profiles.yaml", "oidc-existing-secret.yaml",
            "ingress-tls.yaml", "nodeport.yaml", "netpol-off.yaml", "proxy-https.yaml", "postgres.yaml",
            "capacity.yaml");

    private static final Map<List<String>, ChartRendering> CACHE = new ConcurrentHashMap<>();

    final String raw;
    final List<Map<String, Object>> objects;

    private ChartRendering(String raw, List<Map<String, Object>> objects) {
        this.raw = raw;
        this.objects = objects;
    }

    static ChartRendering of(String scenario) {
        return scenario.isEmpty() ? render() : render(valuesFile(scenario).toString());
    }

    /** Renders with the given values files (paths) and {@code --set} style arguments after "--set". */
    static ChartRendering render(String... valuesFilesThenSets) {
        return CACHE.computeIfAbsent(List.of(valuesFilesThenSets), ChartRendering::renderUncached);
    }

    private static ChartRendering renderUncached(List<String> args) {
        List<String> command = new ArrayList<>(List.of("template", RELEASE, Helm.chart().toString(),
                "--namespace", NAMESPACE));
        boolean sets = false;
        for (String arg : args) {
            if (arg.equals("--set")) {
                sets = true;
            } else if (sets) {
                command.addAll(List.of("--set", arg));
            } else {
                command.addAll(List.of("--values", arg));
            }
        }
        Helm.Result result = Helm.run(command);
        if (!result.succeeded()) {
            throw new AssertionError("helm template failed for " + args + ": " + result.describe());
        }
        return new ChartRendering(result.stdout(), parse(result.stdout()));
    }

    /** A rendering made elsewhere (e.g. with --dry-run=server), not cached. */
    static ChartRendering fromOutput(String raw) {
        return new ChartRendering(raw, parse(raw));
    }

    static List<Map<String, Object>> parse(String yaml) {
        try {
            return MAPPER.readValues(MAPPER.createParser(yaml), new TypeReference<Map<String, Object>>() { })
                    .readAll().stream().filter(Objects::nonNull).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("rendered chart is not YAML", e);
        }
    }

    static Path valuesFile(String name) {
        URL url = ChartRendering.class.getResource("/chart/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no test values file chart/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Map<String, Object> readYamlFile(Path file) {
        try {
            return MAPPER.readValue(file.toFile(), new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(str(o, "metadata", "name"))).findFirst();
    }

    Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in rendering"));
    }

    /** Names of the objects as "Kind/name", for asserting the whole set at once. */
    List<String> kindsAndNames() {
        return objects.stream().map(o -> o.get("kind") + "/" + str(o, "metadata", "name")).sorted().toList();
    }

    // Small typed accessors for the parsed maps; a missing step yields null so assertions can say what is absent.

    static Object at(Object node, Object... path) {
        Object current = node;
        for (Object step : path) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(step);
            } else if (current instanceof List<?> list && step instanceof Integer index) {
                current = index < list.size() ? list.get(index) : null;
            } else {
                return null;
            }
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, Object... path) {
        Object value = at(node, path);
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node, Object... path) {
        Object value = at(node, path);
        return value == null ? List.of() : (List<Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object node, Object... path) {
        return (List<Map<String, Object>>) (List<?>) list(node, path);
    }

    static String str(Object node, Object... path) {
        Object value = at(node, path);
        return value == null ? null : value.toString();
    }

    /** True when every label a selector asks for is on the pod. An empty selector matches everything. */
    static boolean selects(Map<String, Object> selector, Map<String, Object> podLabels) {
        return selector.entrySet().stream().allMatch(e -> Objects.equals(podLabels.get(e.getKey()), e.getValue()));
    }
}
