package io.notebookhub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.profiles.NodeAffinity;
import io.notebookhub.profiles.ResolvedProfile;
import io.notebookhub.profiles.Storage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubMetricsTest {

    private static ResolvedProfile profile(String slug) {
        return new ResolvedProfile(slug, slug, Map.of(), null, "1", "2", "1G", "2G", Map.of(), List.of(), Map.of(),
                NodeAffinity.NONE, Map.of(), List.of(), List.of(), Storage.DEFAULTS, null, null, null);
    }

    @Test
    void countsSpawnsThatWaitedForANodeAndHowLongInAHistogramPerProfile() {
        HubMetrics metrics = new HubMetrics();

        metrics.waitedForNode(profile("gpu"), Duration.ofSeconds(90));
        metrics.waitedForNode(profile("gpu"), Duration.ofSeconds(30));
        metrics.spawned(profile("cpu"), Duration.ofSeconds(3));
        String scrape = metrics.registry().scrape();

        assertThat(scrape).contains("notebookhub_spawn_node_wait_seconds_count{profile=\"gpu\"} 2\n")
                .contains("notebookhub_spawn_node_wait_seconds_sum{profile=\"gpu\"} 120.0\n")
                .contains("notebookhub_spawn_node_wait_seconds_bucket{profile=\"gpu\",le=\"+Inf\"} 2\n")
                .doesNotContain("notebookhub_spawn_node_wait_seconds_count{profile=\"cpu\"");
    }
}
