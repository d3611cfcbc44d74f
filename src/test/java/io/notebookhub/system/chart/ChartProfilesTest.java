package io.notebookhub.system.chart;

import static io.notebookhub.system.chart.ChartRendering.list;
import static io.notebookhub.system.chart.ChartRendering.map;
import static io.notebookhub.system.chart.ChartRendering.maps;
import static io.notebookhub.system.chart.ChartRendering.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Profiles written in values arrive in the profiles ConfigMap exactly as written. */
class ChartProfilesTest {

    private static List<Object> renderedProfiles(ChartRendering rendering) {
        String yaml = str(rendering.get("ConfigMap", "nbhub-profiles"), "data", "profiles.yaml");
        try {
            return ChartRendering.MAPPER.readValue(yaml, List.class);
        } catch (java.io.IOException e) {
            throw new AssertionError("profiles.yaml is not a YAML list: " + yaml, e);
        }
    }

    @Test
    void carriesTheDefaultProfilesUnchanged() {
        Object fromValues = ChartRendering.readYamlFile(Helm.chart().resolve("values.yaml")).get("profiles");

        assertThat(renderedProfiles(ChartRendering.render())).isEqualTo(fromValues);
    }

    @Test
    void carriesGpuProfilesWithOptionsAffinityAndRegexesUnchanged() {
        Object fromValues = ChartRendering.readYamlFile(ChartRendering.valuesFile("gpu-profiles.yaml"))
                .get("profiles");

        List<Object> rendered = renderedProfiles(ChartRendering.of("gpu-profiles.yaml"));

        assertThat(rendered).isEqualTo(fromValues);
        assertThat(str(rendered, 1, "options", "image", "unlisted_choice", "validation_regex"))
                .isEqualTo("quay\\.io/jupyter/.+");
    }

    @Test
    void offersASmallDefaultALargeAndAGpuProfileForGpuUsers() {
        List<Object> profiles = renderedProfiles(ChartRendering.render());

        assertThat(profiles).extracting(p -> str(p, "slug")).containsExactly("small", "large", "gpu");
        assertThat(map(profiles.get(0))).containsEntry("default", true);
        Map<String, Object> gpu = map(profiles.get(2));
        assertThat(map(gpu, "extra_resource_limits")).containsOnly(entry("nvidia.com/gpu", "1"));
        assertThat(maps(gpu, "tolerations")).singleElement().satisfies(t -> assertThat(t)
                .contains(entry("key", "nvidia.com/gpu"), entry("effect", "NoSchedule")));
        assertThat(map(gpu, "node_selector")).isNotEmpty();
        assertThat(list(gpu, "allowed_groups")).containsExactly("gpu-users");
        assertThat(gpu).containsEntry("idle_timeout", 1800);
    }

    @Test
    void rendersAnEmptyListWhenNoProfilesAreGiven() {
        assertThat(renderedProfiles(ChartRendering.render("--set", "profiles=null"))).isEmpty();
    }
}
