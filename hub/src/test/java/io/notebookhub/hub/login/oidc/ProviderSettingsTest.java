package io.notebookhub.hub.login.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.notebookhub.config.ConfigException;
import io.notebookhub.hub.config.HubConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderSettingsTest {
    static HubConfig.Auth auth(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("NBHUB_AUTH_CLIENT_ID", "hub");
        all.putIfAbsent("NBHUB_AUTH_CLIENT_SECRET", "s");
        return HubConfig.load(null, all).auth();
    }

    @Test
    void keycloakTakesTheBaseUrlAndRealmOrTheRealmsIssuer() {
        ProviderSettings a = ProviderSettings.from(auth(Map.of("NBHUB_AUTH_TYPE", "keycloak",
                "NBHUB_AUTH_ISSUER_URL", "https://sso.example.org/", "NBHUB_AUTH_REALM", "research")));
        assertThat(a.issuer()).isEqualTo("https://sso.example.org/realms/research");
        assertThat(a.usernameClaim()).isEqualTo("preferred_username");
        assertThat(a.scopes()).containsExactly("openid", "profile", "email");
        ProviderSettings b = ProviderSettings.from(auth(Map.of("NBHUB_AUTH_TYPE", "keycloak",
                "NBHUB_AUTH_ISSUER_URL", "https://sso.example.org/realms/research")));
        assertThat(b.issuer()).isEqualTo(a.issuer());
        assertThatThrownBy(() -> ProviderSettings.from(auth(Map.of("NBHUB_AUTH_TYPE", "keycloak",
                "NBHUB_AUTH_ISSUER_URL", "https://sso.example.org")))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.realm");
    }

    @Test
    void presetsKnowTheirIssuersAndUserNameClaims() {
        ProviderSettings entra = ProviderSettings.from(auth(Map.of("NBHUB_AUTH_TYPE", "azuread",
                "NBHUB_AUTH_TENANT_ID", "0b6f3e1c-1111-2222-3333-444455556666")));
        assertThat(entra.issuer()).isEqualTo("https://login.microsoftonline.com/0b6f3e1c-1111-2222-3333-444455556666/v2.0");
        assertThat(entra.validateIssuer()).isFalse();
        ProviderSettings google = ProviderSettings.from(auth(Map.of("NBHUB_AUTH_TYPE", "google")));
        assertThat(google.issuer()).isEqualTo("https://accounts.google.com");
        assertThat(google.usernameClaim()).isEqualTo("email");
        ProviderSettings gitlab = ProviderSettings.from(auth(Map.of("NBHUB_AUTH_TYPE", "gitlab",
                "NBHUB_AUTH_ALLOWED_GROUPS", "data/analysts")));
        assertThat(gitlab.issuer()).isEqualTo("https://gitlab.com");
        assertThat(gitlab.scopes()).contains("read_api");
        assertThat(gitlab.groupSource()).isEqualTo(ProviderSettings.GroupSource.GITLAB);
        ProviderSettings github = ProviderSettings.from(auth(Map.of("NBHUB_AUTH_TYPE", "github",
                "NBHUB_AUTH_GITHUB_ORG", "acme")));
        assertThat(github.oidc()).isFalse();
        assertThat(github.scopes()).containsExactly("read:user", "read:org");
        assertThat(github.apiUrl()).isEqualTo("https://api.github.com");
        assertThat(github.usernameClaim()).isEqualTo("login");
    }

    @Test
    void configuredScopesAlwaysIncludeOpenidForOidcProviders() {
        ProviderSettings s = ProviderSettings.from(auth(Map.of("NBHUB_AUTH_TYPE", "oidc",
                "NBHUB_AUTH_ISSUER_URL", "https://idp.example.org", "NBHUB_AUTH_SCOPES", "email,groups")));
        assertThat(s.scopes()).containsExactly("openid", "email", "groups");
    }

    @Test
    void theConfigRefusesAProviderSecretMissingAndDevLoginNextToAProvider() {
        assertThatThrownBy(() -> HubConfig.load(null, Map.of("NBHUB_AUTH_TYPE", "github",
                "NBHUB_AUTH_CLIENT_ID", "x"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("NBHUB_AUTH_CLIENT_SECRET");
        assertThatThrownBy(() -> HubConfig.load(null, Map.of("NBHUB_AUTH_CLIENT_ID", "x",
                "NBHUB_AUTH_ISSUER_URL", "https://idp.example.org"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("development login");
    }
}
