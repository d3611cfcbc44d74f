package io.notebookhub.hub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.notebookhub.config.ConfigException;
import io.notebookhub.hub.config.HubConfig;
import io.notebookhub.hub.services.Services;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServicesConfigTest {
    @TempDir
    Path temp;

    private HubConfig load(String yaml) throws Exception {
        Path file = temp.resolve("config.yaml");
        Files.writeString(file, yaml);
        return HubConfig.load(file, Map.of());
    }

    @Test
    void readsAManagedAndAnExternalServiceWithJupyterHubsDefaults() throws Exception {
        HubConfig config = load("""
                hub:
                  services:
                    - name: idle-culler
                      command: [python3, -m, jupyterhub_idle_culler, --timeout=3600]
                    - name: whoami
                      url: http://127.0.0.1:10102
                      command: python3 whoami.py
                      environment: {GREETING: hello}
                    - name: grafana
                      url: http://127.0.0.1:3000
                      api_token: external-token-0123456789
                      oauth_no_confirm: true
                      display: false
                      info: {owner: ops}
                  load_roles:
                    - name: idle-culler
                      scopes: [list:users, read:users:activity, read:servers, delete:servers]
                      services: [idle-culler]
                """);
        var services = config.services().services();
        assertThat(services).extracting(ServiceSpec::name).containsExactly("idle-culler", "whoami", "grafana");
        ServiceSpec culler = services.get(0);
        assertThat(culler.managed()).isTrue();
        assertThat(culler.prefix()).isEmpty();
        assertThat(culler.oauthAvailable()).as("no url, no OAuth settings: no OAuth client").isFalse();
        ServiceSpec whoami = services.get(1);
        assertThat(whoami.command()).containsExactly("python3 whoami.py");
        assertThat(whoami.oauthClientId()).isEqualTo("service-whoami");
        assertThat(whoami.oauthRedirectUri()).isEqualTo("/services/whoami/oauth_callback");
        assertThat(whoami.display()).isTrue();
        ServiceSpec grafana = services.get(2);
        assertThat(grafana.kind()).isEqualTo("external");
        assertThat(grafana.oauthNoConfirm()).isTrue();
        assertThat(grafana.info()).containsEntry("owner", "ops");
        assertThat(config.services().roles().serviceScopes("idle-culler"))
                .containsExactly("list:users", "read:users:activity", "read:servers", "delete:servers");
        assertThat(config.effectiveRedacted().toString()).doesNotContain("external-token-0123456789");
    }

    @Test
    void namesEveryBadServiceKeyWithItsPosition() {
        assertThatThrownBy(() -> load("""
                hub:
                  services:
                    - name: "bad name"
                      url: http://x:1
                    - name: ok
                      url: ftp://nowhere
                      oauth_client_id: whoami
                      cwd: /no/such/folder
                      user: nobody
                  load_roles:
                    - name: admin
                      scopes: [read:everything]
                      services: [ghost]
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'hub.services[0].name'")
                .hasMessageContaining("'hub.services[1].url'")
                .hasMessageContaining("'hub.services[1].oauth_client_id'")
                .hasMessageContaining("must start with 'service-'")
                .hasMessageContaining("'hub.services[1].cwd'")
                .hasMessageContaining("'hub.services[1].user'")
                .hasMessageContaining("'hub.load_roles[0].name'")
                .hasMessageContaining("unknown scope 'read:everything'")
                .hasMessageContaining("names 'ghost', which is not in hub.services");
    }

    @Test
    void refusesOAuthForAnExternalServiceWithoutAToken() {
        assertThatThrownBy(() -> load("""
                hub:
                  services:
                    - name: ext
                      url: http://127.0.0.1:9000
                      oauth_no_confirm: true
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'hub.services[0].api_token'").hasMessageContaining("OAuth client secret");
    }

    @Test
    void aServicesTokenAuthenticatesAsThatServiceWithTheScopesOfItsRoles() throws Exception {
        HubConfig config = load("""
                hub:
                  services:
                    - name: culler
                      api_token: culler-token-0123456789
                  load_roles:
                    - name: culling
                      scopes: [list:users, delete:servers]
                      services: [culler]
                """);
        Services services = new Services(config.services());
        var principal = services.principal(io.notebookhub.hub.auth.TokenHashing.hash("culler-token-0123456789"))
                .orElseThrow();
        assertThat(principal.kind()).isEqualTo("service");
        assertThat(principal.name()).isEqualTo("culler");
        assertThat(principal.scopes().hasUnfiltered("list:users")).isTrue();
        assertThat(principal.scopes().hasUnfiltered("admin:users")).isFalse();
        assertThat(services.principal(io.notebookhub.hub.auth.TokenHashing.hash("another"))).isEmpty();
        assertThat(services.find("culler").orElseThrow().roles()).containsExactly("culling");
    }

    @Test
    void takesTheWholeListFromTheEnvironmentAsYamlOrJson() {
        HubConfig config = HubConfig.load(null, Map.of("NBHUB_HUB_SERVICES",
                "[{\"name\": \"ext\", \"url\": \"http://127.0.0.1:9000\", \"api_token\": \"0123456789abcdefgh\"}]",
                "NBHUB_HUB_LOAD_ROLES", "- {name: reader, scopes: [read:hub], services: [ext]}"));
        assertThat(config.services().services()).extracting(ServiceSpec::name).containsExactly("ext");
        assertThat(config.services().roles().serviceScopes("ext")).containsExactly("read:hub");
        assertThatThrownBy(() -> HubConfig.load(null, Map.of("NBHUB_HUB_SERVICES", "[{name: ")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'hub.services' (NBHUB_HUB_SERVICES)");
    }
}
