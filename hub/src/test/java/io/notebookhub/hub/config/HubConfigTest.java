package io.notebookhub.hub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.notebookhub.config.ConfigException;
import io.notebookhub.config.Setting;
import io.notebookhub.culler.CullerConfig;
import io.notebookhub.proxy.ProxySettings;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubConfigTest {
    @TempDir
    Path temp;

    private HubConfig load(String yaml, Map<String, String> env) throws Exception {
        Path file = temp.resolve("config.yaml");
        Files.writeString(file, yaml);
        return HubConfig.load(file, env);
    }

    @Test
    void defaultsDescribeTheEmbeddedHub() {
        HubConfig c = HubConfig.load(null, Map.of());
        assertThat(c.proxy().embedded()).isTrue();
        assertThat(c.proxy().port()).isEqualTo(8000);
        assertThat(c.hub().port()).isEqualTo(8081);
        assertThat(c.spawner().type()).isEqualTo("local");
        assertThat(c.auth().dev()).isTrue();
        assertThat(c.culler().policy().timeout()).isEqualTo(Duration.ofHours(1));
        assertThat(c.hubConnectUrl()).isEqualTo("http://127.0.0.1:8081");
    }

    @Test
    void environmentOverridesTheFileWhichOverridesDefaults() throws Exception {
        HubConfig c = load("hub:\n  port: 9000\nproxy:\n  port: 9100\nculler:\n  exempt: [alice]\n",
                Map.of("NBHUB_PROXY_PORT", "9200", "NBHUB_HUB_ADMIN_USERS", "ann, bo"));
        assertThat(c.hub().port()).isEqualTo(9000);
        assertThat(c.proxy().port()).isEqualTo(9200);
        assertThat(c.hub().adminUsers()).containsExactly("ann", "bo");
        assertThat(c.culler().policy().exempt()).containsExactly("alice");
    }

    @Test
    void everyProblemIsReportedAtOnceWithTheKeyNamed() {
        assertThatThrownBy(() -> load("hub:\n  prot: 1\nproxy:\n  port: 70000\n  mode: sideways\nculler:\n  timeout: soon\n",
                Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'hub.prot' (did you mean 'hub.port'?)")
                .hasMessageContaining("'proxy.port'").hasMessageContaining("between 0 and 65535")
                .hasMessageContaining("'proxy.mode'").hasMessageContaining("'culler.timeout'");
    }

    @Test
    void anUnknownNbhubVariableIsRefusedWithASuggestion() {
        assertThatThrownBy(() -> HubConfig.load(null, Map.of("NBHUB_PROXY_PROT", "1")))
                .hasMessageContaining("unknown environment variable NBHUB_PROXY_PROT")
                .hasMessageContaining("NBHUB_PROXY_PORT");
    }

    @Test
    void anExternalProxyNeedsItsApiUrl() {
        assertThatThrownBy(() -> HubConfig.load(null, Map.of("NBHUB_PROXY_MODE", "external")))
                .hasMessageContaining("'proxy.api_url'").hasMessageContaining("required");
    }

    @Test
    void aProviderNeedsAClientIdAndTheCookieSecretMustBeHex() {
        assertThatThrownBy(() -> HubConfig.load(null, Map.of("NBHUB_AUTH_TYPE", "oidc",
                "NBHUB_HUB_COOKIE_SECRET", "not-hex")))
                .hasMessageContaining("'auth.client_id'").hasMessageContaining("'hub.cookie_secret'");
    }

    @Test
    void secretsAreRedactedInTheLoggedConfiguration() {
        HubConfig c = HubConfig.load(null, Map.of("NBHUB_ADMIN_TOKEN", "a-secret-admin-token-value",
                "NBHUB_PROXY_AUTH_TOKEN", "proxy-secret"));
        assertThat(c.effectiveRedacted().toString()).doesNotContain("a-secret-admin-token-value", "proxy-secret")
                .contains("admin_token=<redacted>");
    }

    @Test
    void aMappingWhereAValueBelongsIsRefused() {
        assertThatThrownBy(() -> load("hub:\n  port:\n    value: 1\n", Map.of()))
                .hasMessageContaining("'hub.port'").hasMessageContaining("single value");
        assertThatThrownBy(() -> load("hub: 5\n", Map.of())).hasMessageContaining("'hub' must be a mapping");
        assertThat(List.of(HubConfig.load(null, Map.of()).hub().profilesDir().toString())).containsExactly("profiles");
    }

    @Test
    void everyComponentSettingIsReachableFromTheFileAndTheEnvironment() throws Exception {
        HubConfig c = load("spawner:\n  kubernetes:\n    fail_on_unschedulable: true\n    api_retry_timeout: 1m\n"
                + "culler:\n  profile_timeouts: {gpu: 15m}\nproxy:\n  proxy_timeout: 250ms\n",
                Map.of("NBHUB_PROXY_MAX_URL_LENGTH", "2048", "NBHUB_CULLER_TIMEOUT", "1h30m",
                        "NBHUB_SPAWNER_KUBERNETES_WORKER_POOL_SIZE", "4"));

        assertThat(c.spawner().kubernetes().get(KubernetesSpawnerConfig.FAIL_ON_UNSCHEDULABLE)).isTrue();
        assertThat(c.spawner().kubernetes().apiRetryTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.spawner().kubernetes().workerPoolSize()).isEqualTo(4);
        assertThat(c.culler().policy().timeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.culler().policy().profileTimeouts()).containsEntry("gpu", Duration.ofMinutes(15));
        assertThat(ProxySettings.apply(c.proxy().options()).build().maxUrlLength()).isEqualTo(2048);
        assertThat(ProxySettings.apply(c.proxy().options()).build().proxyTimeoutMillis()).isEqualTo(250);

        List<String> keys = HubConfig.reference().stream().map(Setting::key).toList();
        KubernetesSpawnerConfig.SETTINGS.all().forEach(s -> assertThat(keys).contains("spawner.kubernetes." + s.key()));
        CullerConfig.SETTINGS.all().forEach(s -> assertThat(keys).contains("culler." + s.key()));
        ProxySettings.SETTINGS.all().forEach(s -> assertThat(keys).contains("proxy." + s.key()));
    }

    @Test
    void todaysWholeSecondsAndTheChartsKeysKeepWorking() throws Exception {
        HubConfig c = load("hub:\n  cookie_max_age: 1209600\nculler:\n  timeout: 3600\n  every: 300\n"
                + "spawner:\n  start_timeout: 120\n  kubernetes:\n    termination_grace_period: 30\n"
                + "    informer_sync_timeout: 60\n    storage:\n      capacity: 10Gi\n", Map.of());

        assertThat(c.hub().cookieMaxAge()).isEqualTo(Duration.ofDays(14));
        assertThat(c.culler().policy().every()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.spawner().startTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.spawner().kubernetes().terminationGracePeriod()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aBadComponentValueNamesTheKeyAndItsPlaceInTheFile() {
        assertThatThrownBy(() -> load("spawner:\n  kubernetes:\n    storage:\n      capacity: lots\n", Map.of()))
                .hasMessageContaining("'spawner.kubernetes.storage.capacity' (")
                .hasMessageContaining("config.yaml:4:7) must be a Kubernetes quantity such as 10Gi, not 'lots'");
    }
}
