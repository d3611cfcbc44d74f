package io.notebookhub.system.chart;

import static io.notebookhub.system.chart.ChartRendering.map;
import static io.notebookhub.system.chart.ChartRendering.maps;
import static io.notebookhub.system.chart.ChartRendering.str;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Secrets are generated or referenced, and never appear in plain text in what the chart renders. */
class ChartSecretsTest {

    private static final Pattern SECRET_NAME = Pattern.compile(".*(TOKEN|SECRET|PASSWORD|KEY).*");

    static List<String> scenarios() {
        return ChartRendering.SCENARIOS;
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void passesSecretsToContainersOnlyAsSecretReferences(String scenario) {
        ChartRendering rendering = ChartRendering.of(scenario);
        // The hub and the proxy hold the chart's secrets; the packing scheduler holds none.
        for (Map<String, Object> deployment : rendering.ofKind("Deployment").stream()
                .filter(d -> !"user-scheduler".equals(str(d, "metadata", "labels", "component"))).toList()) {
            for (Map<String, Object> container : maps(deployment, "spec", "template", "spec", "containers")) {
                assertThat(maps(container, "env"))
                        .filteredOn(env -> SECRET_NAME.matcher(str(env, "name")).matches())
                        .isNotEmpty()
                        .allSatisfy(env -> {
                            assertThat(env).as("env %s", env.get("name")).doesNotContainKey("value");
                            assertThat(map(env, "valueFrom", "secretKeyRef")).containsKeys("name", "key");
                        });
            }
        }
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void keepsSecretValuesOutOfConfigMaps(String scenario) {
        for (Map<String, Object> configMap : ChartRendering.of(scenario).ofKind("ConfigMap")) {
            for (Object content : map(configMap, "data").values()) {
                assertThat(content.toString())
                        .doesNotContain("auth_token", "cookie_secret", "client_secret", "plain-proxy-token");
            }
        }
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void rendersChartSecretsOnlyAsBase64Data(String scenario) {
        for (Map<String, Object> secret : ChartRendering.of(scenario).ofKind("Secret")) {
            assertThat(secret).doesNotContainKey("stringData");
            assertThat(map(secret, "data")).isNotEmpty();
        }
    }

    @Test
    void generatesAProxyTokenAndAHexCookieSecretOnFirstInstall() {
        Map<String, Object> secret = ChartRendering.render().get("Secret", "nbhub-secret");

        assertThat(map(secret, "data")).containsOnlyKeys("proxy-auth-token", "hub-cookie-secret");
        assertThat(decode(secret, "proxy-auth-token")).matches("[A-Za-z0-9]{64}");
        assertThat(decode(secret, "hub-cookie-secret")).matches("[0-9a-f]{64}");
    }

    @Test
    void keepsExplicitSecretValuesOutOfThePlainTextOfTheRendering() {
        ChartRendering rendering = ChartRendering.of("ingress-tls.yaml");
        Map<String, Object> secret = rendering.get("Secret", "nbhub-secret");
        String token = "plain-proxy-token-that-must-not-leak";
        String cookie = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

        assertThat(decode(secret, "proxy-auth-token")).isEqualTo(token);
        assertThat(decode(secret, "hub-cookie-secret")).isEqualTo(cookie);
        assertThat(rendering.raw).doesNotContain(token).doesNotContain(cookie);
    }

    @Test
    void usesTheOperatorsSecretsInsteadOfRenderingOne() {
        ChartRendering rendering = ChartRendering.of("oidc-existing-secret.yaml");
        Map<String, Object> hub = map(rendering.get("Deployment", "nbhub-hub"),
                "spec", "template", "spec", "containers", 0);
        Map<String, Object> proxy = map(rendering.get("Deployment", "nbhub-proxy"),
                "spec", "template", "spec", "containers", 0);

        assertThat(rendering.ofKind("Secret")).isEmpty();
        assertThat(secretRefs(hub)).contains(
                Map.entry("NBHUB_PROXY_AUTH_TOKEN", "nbhub-operator-secrets/proxy-auth-token"),
                Map.entry("NBHUB_HUB_COOKIE_SECRET", "nbhub-operator-secrets/hub-cookie-secret"),
                Map.entry("NBHUB_AUTH_CLIENT_SECRET", "nbhub-oidc/oidc-client-secret"),
                Map.entry("NBHUB_ADMIN_TOKEN", "nbhub-operator-secrets/admin-token"));
        assertThat(secretRefs(proxy)).containsExactly(
                Map.entry("CONFIGPROXY_AUTH_TOKEN", "nbhub-operator-secrets/proxy-auth-token"));
    }

    @Test
    void givesTheHubNoClientSecretWithTheDevLogin() {
        Map<String, Object> hub = map(ChartRendering.render().get("Deployment", "nbhub-hub"),
                "spec", "template", "spec", "containers", 0);

        assertThat(secretRefs(hub)).containsExactly(
                Map.entry("NBHUB_PROXY_AUTH_TOKEN", "nbhub-secret/proxy-auth-token"),
                Map.entry("NBHUB_HUB_COOKIE_SECRET", "nbhub-secret/hub-cookie-secret"));
    }

    @Test
    void refusesToRenderAnOidcLoginWithoutTheClientSecretReference() {
        Helm.Result result = Helm.run("template", "nbhub", Helm.chart().toString(),
                "--set", "auth.type=github", "--set", "auth.clientId=abc");

        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("auth.clientSecret.existingSecret");
    }

    private static List<Map.Entry<String, String>> secretRefs(Map<String, Object> container) {
        return maps(container, "env").stream()
                .filter(env -> map(env, "valueFrom", "secretKeyRef").containsKey("name"))
                .map(env -> Map.entry(str(env, "name"), str(env, "valueFrom", "secretKeyRef", "name") + "/"
                        + str(env, "valueFrom", "secretKeyRef", "key")))
                .toList();
    }

    private static String decode(Map<String, Object> secret, String key) {
        return new String(Base64.getDecoder().decode(str(secret, "data", key)), StandardCharsets.UTF_8);
    }
}
