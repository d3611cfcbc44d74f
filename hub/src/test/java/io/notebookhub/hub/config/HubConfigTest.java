package io.notebookhub.hub.config;

import io.notebookhub.config.ConfigException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
