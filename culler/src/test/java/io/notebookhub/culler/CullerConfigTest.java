package io.notebookhub.culler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CullerConfigTest {

    @Test
    void defaultsAreTheIssuesDefaults() {
        CullerConfig d = CullerConfig.defaults();

        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(3600));
        assertThat(d.every()).isEqualTo(Duration.ofSeconds(300));
        assertThat(d.maxAge()).isZero();
        assertThat(d.cullUsers()).isFalse();
        assertThat(d.cullAdminUsers()).isTrue();
        assertThat(d.removeNamedServers()).isFalse();
        assertThat(d.concurrency()).isEqualTo(10);
        assertThat(d.policy()).isEqualTo("activity");
    }

    @Test
    void readsEveryKeyFromYaml() {
        CullerConfig c = CullerConfig.fromMap(Map.of("timeout", "90m", "every", 60, "max_age", "1d", "cull_users", true,
                "cull_admin_users", "false", "remove_named_servers", true, "concurrency", "4", "policy", "traffic",
                "profile_timeouts", Map.of("gpu", "15m", "cpu", 7200), "exempt", List.of("alice", "bob/gpu")));

        assertThat(c).isEqualTo(new CullerConfig(Duration.ofMinutes(90), Duration.ofSeconds(60), Duration.ofDays(1),
                true, false, true, 4, "traffic", Map.of("gpu", Duration.ofMinutes(15), "cpu", Duration.ofHours(2)),
                java.util.Set.of("alice", "bob/gpu")));
        assertThat(c.describe()).contains("timeout=5400s", "profile_timeouts={cpu=7200s, gpu=900s}", "policy=traffic");
    }

    @Test
    void aBadValueStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> CullerConfig.fromMap(Map.of("timeout", "soon")))
                .hasMessageContaining("'culler.timeout'").hasMessageContaining("must be seconds or a duration like");
        assertThatThrownBy(() -> CullerConfig.fromMap(Map.of("concurrency", 0)))
                .hasMessageContaining("'culler.concurrency'").hasMessageContaining("between 1 and 1000");
        assertThatThrownBy(() -> CullerConfig.fromMap(Map.of("policy", "cpu")))
                .hasMessageContaining("'culler.policy'").hasMessageContaining("[activity, traffic]");
        assertThatThrownBy(() -> CullerConfig.fromMap(Map.of("profile_timeouts", Map.of("gpu", 0))))
                .hasMessageContaining("'culler.profile_timeouts'").hasMessageContaining("positive durations");
        assertThatThrownBy(() -> CullerConfig.fromMap(Map.of("cull_users", "maybe")))
                .hasMessageContaining("'culler.cull_users'").hasMessageContaining("true or false");
        assertThatThrownBy(() -> CullerConfig.fromMap(Map.of("timout", 5)))
                .hasMessageContaining("unknown key 'culler.timout' (did you mean 'culler.timeout'?)");
    }

    @Test
    void aServersOwnTimeoutBeatsTheProfileMapWhichBeatsTheGlobalOne() {
        CullerConfig c = CullerConfig.defaults().withProfileTimeouts(Map.of("gpu", Duration.ofMinutes(15)));
        ServerFacts gpu = new ServerFacts("a", "", "gpu", false, Instant.EPOCH, null, null, null, null, null, null);
        ServerFacts gpuFromYaml = new ServerFacts("a", "", "gpu", false, Instant.EPOCH, null, null, null,
                Duration.ofMinutes(5), null, null);
        ServerFacts cpu = new ServerFacts("a", "", "cpu", false, Instant.EPOCH, null, null, null, null, null, null);

        assertThat(c.timeoutFor(gpu)).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.timeoutFor(gpuFromYaml)).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.timeoutFor(cpu)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void serverFactsNeverPrintTheirToken() {
        ServerFacts f = new ServerFacts("a", "", "gpu", false, Instant.EPOCH, null, null, null, null, null, "s3cret");

        assertThat(f.toString()).doesNotContain("s3cret").contains("<redacted>");
    }
}
