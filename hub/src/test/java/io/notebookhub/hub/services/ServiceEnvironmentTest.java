package io.notebookhub.hub.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.config.ServiceSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceEnvironmentTest {
    private static ServiceSpec whoami(Map<String, String> env) {
        return new ServiceSpec("whoami", "http://127.0.0.1:10102", false, "", "service-whoami",
                "/services/whoami/oauth_callback", false, List.of("read:users"), true, Map.of(),
                List.of("python3", "whoami.py"), env, null);
    }

    @Test
    void givesAManagedServiceJupyterHubsVariablesAndNothingElseOfTheHubs() {
        Map<String, String> hubEnv = Map.of("PATH", "/usr/bin", "LANG", "C.UTF-8", "NBHUB_ADMIN_TOKEN", "secret",
                "NBHUB_HUB_DB_PASSWORD", "db-secret", "HOME", "/root");
        Map<String, String> env = ServiceEnvironment.of(whoami(Map.of()), "the-token", "http://127.0.0.1:8081/hub/api",
                "https://hub.example.org/", hubEnv);
        assertThat(env).containsEntry("JUPYTERHUB_API_TOKEN", "the-token")
                .containsEntry("JPY_API_TOKEN", "the-token")
                .containsEntry("JUPYTERHUB_SERVICE_NAME", "whoami")
                .containsEntry("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10102")
                .containsEntry("JUPYTERHUB_SERVICE_PREFIX", "/services/whoami/")
                .containsEntry("JUPYTERHUB_CLIENT_ID", "service-whoami")
                .containsEntry("JUPYTERHUB_OAUTH_CALLBACK_URL", "/services/whoami/oauth_callback")
                .containsEntry("JUPYTERHUB_OAUTH_ACCESS_SCOPES", "[\"access:services\",\"access:services!service=whoami\"]")
                .containsEntry("JUPYTERHUB_OAUTH_SCOPES", "[\"access:services\",\"access:services!service=whoami\"]")
                .containsEntry("JUPYTERHUB_OAUTH_CLIENT_ALLOWED_SCOPES", "[\"read:users\"]")
                .containsEntry("JUPYTERHUB_API_URL", "http://127.0.0.1:8081/hub/api")
                .containsEntry("JUPYTERHUB_BASE_URL", "/")
                .containsEntry("JUPYTERHUB_HOST", "")
                .containsEntry("JUPYTERHUB_PUBLIC_URL", "https://hub.example.org/services/whoami/")
                .containsEntry("JUPYTERHUB_PUBLIC_HUB_URL", "https://hub.example.org/hub/")
                .containsEntry("PATH", "/usr/bin").containsEntry("LANG", "C.UTF-8")
                .doesNotContainKeys("NBHUB_ADMIN_TOKEN", "NBHUB_HUB_DB_PASSWORD", "HOME", "JUPYTERHUB_ACTIVITY_URL");
    }

    @Test
    void theServicesOwnEnvironmentWinsAndAServiceWithoutUrlHasNoPrefix() {
        Map<String, String> env = ServiceEnvironment.of(whoami(Map.of("JUPYTERHUB_API_URL", "http://elsewhere/hub/api")),
                "t", "http://127.0.0.1:8081/hub/api", "", Map.of());
        assertThat(env).containsEntry("JUPYTERHUB_API_URL", "http://elsewhere/hub/api")
                .containsEntry("JUPYTERHUB_PUBLIC_URL", "");
        ServiceSpec culler = new ServiceSpec("culler", "", false, "", "service-culler", "", false, List.of(), true,
                Map.of(), List.of("cull"), Map.of(), null);
        assertThat(ServiceEnvironment.of(culler, "t", "http://h/hub/api", "", Map.of()))
                .doesNotContainKeys("JUPYTERHUB_SERVICE_URL", "JUPYTERHUB_SERVICE_PREFIX");
    }
}
