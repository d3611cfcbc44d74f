package io.notebookhub.system.chart;

import static io.notebookhub.system.chart.ChartRendering.at;
import static io.notebookhub.system.chart.ChartRendering.list;
import static io.notebookhub.system.chart.ChartRendering.map;
import static io.notebookhub.system.chart.ChartRendering.maps;
import static io.notebookhub.system.chart.ChartRendering.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the hub, the proxy and their RBAC, Services, Ingress and PDBs look like for the chosen values. */
class ChartComponentsTest {

    private static Map<String, Object> container(ChartRendering rendering, String deployment) {
        return map(rendering.get("Deployment", deployment), "spec", "template", "spec", "containers", 0);
    }

    private static Map<String, Object> hubConfig(ChartRendering rendering) {
        String yaml = str(rendering.get("ConfigMap", "nbhub-hub-config"), "data", "config.yaml");
        return ChartRendering.parse(yaml).get(0);
    }

    @Test
    void rendersExactlyTheDefaultObjectSet() {
        assertThat(ChartRendering.render().kindsAndNames()).containsExactly(
                "ConfigMap/nbhub-hub-config", "ConfigMap/nbhub-profiles",
                "Deployment/nbhub-hub", "Deployment/nbhub-proxy",
                "NetworkPolicy/nbhub-hub", "NetworkPolicy/nbhub-proxy", "NetworkPolicy/nbhub-singleuser",
                "PersistentVolumeClaim/nbhub-hub-db",
                "PodDisruptionBudget/nbhub-hub", "PodDisruptionBudget/nbhub-proxy",
                "Role/nbhub-hub-spawner", "RoleBinding/nbhub-hub-spawner",
                "Secret/nbhub-secret",
                "Service/nbhub-hub", "Service/nbhub-proxy-api", "Service/nbhub-proxy-public",
                "ServiceAccount/nbhub-hub");
    }

    @Test
    void runsOneHubWithRecreateSoTwoHubsNeverShareTheState() {
        Map<String, Object> hub = ChartRendering.render().get("Deployment", "nbhub-hub");

        assertThat(at(hub, "spec", "replicas")).isEqualTo(1);
        assertThat(str(hub, "spec", "strategy", "type")).isEqualTo("Recreate");
        Map<String, Object> data = maps(hub, "spec", "template", "spec", "volumes").stream()
                .filter(v -> "data".equals(v.get("name"))).findFirst().orElseThrow();
        assertThat(str(data, "persistentVolumeClaim", "claimName")).isEqualTo("nbhub-hub-db");
    }

    @Test
    void keepsHubStateInAnEmptyDirOnlyWhenAskedTo() {
        ChartRendering rendering = ChartRendering.of("nodeport.yaml");

        assertThat(rendering.ofKind("PersistentVolumeClaim")).isEmpty();
        assertThat(maps(rendering.get("Deployment", "nbhub-hub"), "spec", "template", "spec", "volumes"))
                .filteredOn(v -> "data".equals(v.get("name"))).singleElement()
                .satisfies(v -> assertThat(v).containsKey("emptyDir"));
    }

    @Test
    void probesTheHubHealthEndpointAndRunsItAsNonRoot() {
        ChartRendering rendering = ChartRendering.render();
        Map<String, Object> hub = container(rendering, "nbhub-hub");
        Map<String, Object> pod = map(rendering.get("Deployment", "nbhub-hub"), "spec", "template", "spec");

        assertThat(str(hub, "startupProbe", "httpGet", "path")).isEqualTo("/hub/health");
        assertThat(str(hub, "livenessProbe", "httpGet", "path")).isEqualTo("/hub/health");
        assertThat(str(hub, "readinessProbe", "httpGet", "path")).isEqualTo("/hub/health");
        assertThat(str(hub, "readinessProbe", "httpGet", "port")).isEqualTo("http");
        assertThat(map(pod, "securityContext")).contains(entry("runAsNonRoot", true), entry("runAsUser", 1000));
        assertThat(map(hub, "securityContext")).contains(entry("allowPrivilegeEscalation", false),
                entry("readOnlyRootFilesystem", true));
        assertThat(list(hub, "securityContext", "capabilities", "drop")).containsExactly("ALL");
        assertThat(map(hub, "resources", "requests")).containsKeys("cpu", "memory");
        assertThat(map(hub, "resources", "limits")).containsKey("memory");
        assertThat(list(hub, "args")).containsExactly("--config", "/etc/notebook-hub/config.yaml");
    }

    @Test
    void runsTheImageFromHubDockerfileAsTheUserItDeclares() throws IOException {
        String dockerfile = Files.readString(Helm.repo().resolve("hub/Dockerfile"));
        Matcher uid = Pattern.compile("(?m)^ARG UID=(\\d+)$").matcher(dockerfile);
        ChartRendering rendering = ChartRendering.render();

        assertThat(uid.find()).as("hub/Dockerfile declares ARG UID").isTrue();
        assertThat(dockerfile).contains("USER ${UID}:${UID}")
                .contains("ENTRYPOINT [\"java\", \"-XX:SharedArchiveFile=/opt/notebook-hub/notebook-hub.jsa\", \"-jar\", "
                        + "\"/opt/notebook-hub/notebook-hub.jar\"]")
                // The archive must be written by the runtime image's own JVM, from the jar at the path it runs.
                .contains("java -XX:ArchiveClassesAtExit=/opt/notebook-hub/notebook-hub.jsa");
        for (String deployment : List.of("nbhub-hub", "nbhub-proxy")) {
            assertThat(at(rendering.get("Deployment", deployment), "spec", "template", "spec", "securityContext",
                    "runAsUser")).isEqualTo(Integer.parseInt(uid.group(1)));
        }
        assertThat(str(container(rendering, "nbhub-hub"), "image"))
                .isEqualTo("ghcr.io/notebook-hub/notebook-hub:" + ChartRendering.readYamlFile(
                        Helm.chart().resolve("Chart.yaml")).get("appVersion"));
    }

    @Test
    void mountsProfilesAsAFolderSoEditsReachTheRunningHub() {
        Map<String, Object> hub = container(ChartRendering.render(), "nbhub-hub");

        assertThat(maps(hub, "volumeMounts")).filteredOn(m -> "profiles".equals(m.get("name"))).singleElement()
                .satisfies(m -> {
                    assertThat(m).containsEntry("mountPath", "/etc/notebook-hub/profiles");
                    // A subPath mount would freeze the file: the kubelet only refreshes whole-volume mounts.
                    assertThat(m).doesNotContainKey("subPath");
                });
    }

    @Test
    void restartsTheHubWhenConfigChangesButNotWhenProfilesChange(@TempDir Path dir) throws IOException {
        Path otherProfiles = dir.resolve("profiles.yaml");
        Files.writeString(otherProfiles, """
                profiles:
                  - {slug: tiny, display_name: Tiny, cpu: {limit: "0.5"}}
                """);

        String base = checksum(ChartRendering.render());
        String configChanged = checksum(ChartRendering.render("--set", "hub.adminUsers={alice}"));
        ChartRendering profilesChangedRendering = ChartRendering.render(otherProfiles.toString());
        String profilesChanged = checksum(profilesChangedRendering);

        assertThat(str(profilesChangedRendering.get("ConfigMap", "nbhub-profiles"), "data", "profiles.yaml"))
                .contains("slug: tiny");

        assertThat(base).matches("[0-9a-f]{64}");
        assertThat(configChanged).isNotEqualTo(base);
        assertThat(profilesChanged).isEqualTo(base);
    }

    private static String checksum(ChartRendering rendering) {
        return str(rendering.get("Deployment", "nbhub-hub"), "spec", "template", "metadata", "annotations",
                "checksum/config");
    }

    @Test
    void writesTheHubConfigTheProductReads() {
        Map<String, Object> config = hubConfig(ChartRendering.render());

        assertThat(map(config, "hub")).contains(
                entry("ip", "0.0.0.0"), entry("port", 8081),
                entry("connect_url", "http://nbhub-hub.notebooks.svc:8081"),
                entry("data_dir", "/srv/notebook-hub"), entry("profiles_dir", "/etc/notebook-hub/profiles"));
        assertThat(map(config, "proxy")).containsOnly(
                entry("mode", "external"), entry("api_url", "http://nbhub-proxy-api.notebooks.svc:8001"));
        assertThat(map(config, "spawner")).contains(entry("type", "kubernetes"), entry("start_timeout", 300));
        assertThat(map(config, "spawner", "kubernetes")).contains(
                entry("namespace", "notebooks"), entry("port", 8888), entry("uid", 1000), entry("fs_group", 100),
                entry("home_mount_path", "/home/jovyan"), entry("automount_service_account_token", false),
                entry("delete_pvc_on_user_delete", false));
        assertThat(map(config, "spawner", "kubernetes", "storage")).containsOnly(
                entry("capacity", "10Gi"), entry("storage_class", ""), entry("access_modes", List.of("ReadWriteOnce")),
                entry("type", "dynamic"), entry("static", Map.of("pvc_name", "", "sub_path", "{username}")));
        assertThat(map(config, "auth")).containsEntry("type", "dev");
        assertThat(map(config, "culler")).contains(entry("enabled", true), entry("timeout", 3600),
                entry("every", 300), entry("max_age", 0), entry("cull_users", false), entry("policy", "activity"));
    }

    @Test
    void mergesExtraConfigOverTheGeneratedConfig() {
        Map<String, Object> config = hubConfig(ChartRendering.render(
                "--set", "hub.extraConfig.culler.timeout=60", "--set", "hub.extraConfig.hub.log_level=debug"));

        assertThat(map(config, "culler")).contains(entry("timeout", 60), entry("every", 300));
        assertThat(map(config, "hub")).contains(entry("log_level", "debug"), entry("port", 8081));
    }

    @Test
    void carriesOidcSettingsIntoTheHubConfig() {
        ChartRendering rendering = ChartRendering.of("oidc-existing-secret.yaml");
        Map<String, Object> auth = map(hubConfig(rendering), "auth");

        assertThat(auth).contains(entry("type", "oidc"), entry("client_id", "notebook-hub"),
                entry("issuer_url", "https://login.example.org/realms/research"),
                entry("username_claim", "preferred_username"), entry("groups_claim", "groups"),
                entry("allowed_groups", List.of("researchers", "gpu-users")),
                entry("admin_groups", List.of("hub-admins")), entry("blocked_users", List.of("mallory")));
        assertThat(auth).doesNotContainKey("client_secret");
        assertThat(list(hubConfig(rendering), "spawner", "kubernetes", "image_pull_secrets"))
                .containsExactly("registry-credentials");
        assertThat(maps(rendering.get("Deployment", "nbhub-hub"), "spec", "template", "spec", "imagePullSecrets"))
                .containsExactly(Map.of("name", "registry-credentials"));
    }

    @Test
    void grantsTheHubOnlyTheVerbsTheSpawnerUses() {
        Map<String, Object> role = ChartRendering.render().get("Role", "nbhub-hub-spawner");

        assertThat(rules(role)).containsExactly(
                Map.entry("pods", List.of("get", "list", "watch", "create", "delete")),
                Map.entry("persistentvolumeclaims", List.of("get", "create")),
                Map.entry("events", List.of("list", "watch")));
        assertThat(maps(role, "rules")).allSatisfy(r -> assertThat(list(r, "apiGroups")).containsExactly(""));
    }

    @Test
    void letsTheHubDeleteClaimsOnlyWhenUserDeletionDeletesThem() {
        Map<String, Object> role = ChartRendering.of("netpol-off.yaml").get("Role", "nbhub-hub-spawner");

        assertThat(rules(role)).contains(
                Map.entry("persistentvolumeclaims", List.of("get", "create", "delete")));
    }

    private static List<Map.Entry<String, List<Object>>> rules(Map<String, Object> role) {
        return maps(role, "rules").stream()
                .map(r -> {
                    assertThat(list(r, "resources")).hasSize(1);
                    return Map.entry(str(r, "resources", 0), list(r, "verbs"));
                }).toList();
    }

    @Test
    void runsTheProxyFromTheHubImageWithTheProxyCommand() {
        ChartRendering rendering = ChartRendering.render();
        Map<String, Object> proxy = container(rendering, "nbhub-proxy");

        assertThat(str(proxy, "image")).isEqualTo(str(container(rendering, "nbhub-hub"), "image"));
        ChartRendering neverPull = ChartRendering.render("--set", "hub.image.name=localhost/notebook-hub",
                "--set", "hub.image.tag=dev", "--set", "hub.image.pullPolicy=Never");
        assertThat(container(neverPull, "nbhub-proxy")).containsEntry("image", "localhost/notebook-hub:dev")
                .containsEntry("imagePullPolicy", "Never");
        assertThat(list(proxy, "args")).containsExactly("proxy", "--ip", "0.0.0.0", "--port", "8000",
                "--api-ip", "0.0.0.0", "--api-port", "8001",
                "--default-target", "http://nbhub-hub.notebooks.svc:8081",
                "--error-target", "http://nbhub-hub.notebooks.svc:8081/hub/error");
        assertThat(str(proxy, "env", 0, "name")).isEqualTo("CONFIGPROXY_AUTH_TOKEN");
        assertThat(str(proxy, "readinessProbe", "httpGet", "path")).isEqualTo("/_chp_healthz");
        assertThat(at(proxy, "readinessProbe", "httpGet", "port")).isEqualTo(8000);
        assertThat(at(rendering.get("Deployment", "nbhub-proxy"), "spec", "template", "spec",
                "automountServiceAccountToken")).isEqualTo(false);
    }

    @Test
    void exposesTheProxyThroughALoadBalancerByDefaultAndItsApiOnlyInside() {
        ChartRendering rendering = ChartRendering.render();

        Map<String, Object> publicService = rendering.get("Service", "nbhub-proxy-public");
        assertThat(str(publicService, "spec", "type")).isEqualTo("LoadBalancer");
        assertThat(maps(publicService, "spec", "ports")).containsExactly(
                Map.of("name", "http", "port", 80, "targetPort", "http", "protocol", "TCP"));
        Map<String, Object> api = rendering.get("Service", "nbhub-proxy-api");
        assertThat(str(api, "spec", "type")).isEqualTo("ClusterIP");
        assertThat(at(api, "spec", "ports", 0, "port")).isEqualTo(8001);
        assertThat(str(rendering.get("Service", "nbhub-hub"), "spec", "type")).isEqualTo("ClusterIP");
    }

    @Test
    void exposesAFixedNodePortWhenAsked() {
        Map<String, Object> service = ChartRendering.of("nodeport.yaml").get("Service", "nbhub-proxy-public");

        assertThat(str(service, "spec", "type")).isEqualTo("NodePort");
        assertThat(at(service, "spec", "ports", 0, "nodePort")).isEqualTo(30080);
        assertThat(str(service, "spec", "externalTrafficPolicy")).isEqualTo("Local");
    }

    @Test
    void appendsExtraProxyFlagsAndEnvironmentAfterTheChartsOwn() {
        Map<String, Object> proxy = container(ChartRendering.of("nodeport.yaml"), "nbhub-proxy");

        List<Object> args = list(proxy, "args");
        assertThat(args.subList(args.size() - 2, args.size())).containsExactly("--log-level", "debug");
        assertThat(args).startsWith("proxy");
        assertThat(maps(proxy, "env")).extracting(e -> e.get("name"))
                .containsExactly("CONFIGPROXY_AUTH_TOKEN", "JAVA_TOOL_OPTIONS");
    }

    @Test
    void placesTheHubWithPriorityNodeSelectorTolerationsAndABlockingBudget() {
        ChartRendering rendering = ChartRendering.of("nodeport.yaml");
        Map<String, Object> pod = map(rendering.get("Deployment", "nbhub-hub"), "spec", "template", "spec");

        assertThat(pod).containsEntry("priorityClassName", "notebook-hub-core");
        assertThat(map(pod, "nodeSelector")).containsOnly(entry("node-role.example.org/core", "true"));
        assertThat(maps(pod, "tolerations")).singleElement().satisfies(t -> assertThat(t).containsEntry("value", "core"));
        assertThat(map(rendering.get("PodDisruptionBudget", "nbhub-hub"), "spec"))
                .containsEntry("minAvailable", 1).doesNotContainKey("maxUnavailable");
        assertThat(map(rendering.get("PodDisruptionBudget", "nbhub-proxy"), "spec"))
                .containsEntry("maxUnavailable", 1).doesNotContainKey("minAvailable");
    }

    @Test
    void givesCorePodsTheChartsPriorityClassUnlessTheyNameTheirOwn() {
        ChartRendering rendering = ChartRendering.of("nodeport.yaml");

        assertThat(rendering.get("PriorityClass", "nbhub-priority")).containsEntry("value", 100000)
                .containsEntry("globalDefault", false);
        assertThat(str(rendering.get("Deployment", "nbhub-proxy"), "spec", "template", "spec", "priorityClassName"))
                .isEqualTo("nbhub-priority");
        assertThat(str(rendering.get("Deployment", "nbhub-hub"), "spec", "template", "spec", "priorityClassName"))
                .isEqualTo("notebook-hub-core");
        assertThat(ChartRendering.render().ofKind("PriorityClass")).isEmpty();
    }

    @Test
    void mountsExtraVolumesIntoTheHub() {
        Map<String, Object> pod = map(ChartRendering.render(
                "--set", "hub.extraVolumes[0].name=ca", "--set", "hub.extraVolumes[0].configMap.name=corporate-ca",
                "--set", "hub.extraVolumeMounts[0].name=ca", "--set", "hub.extraVolumeMounts[0].mountPath=/etc/ssl/corp")
                .get("Deployment", "nbhub-hub"), "spec", "template", "spec");

        assertThat(maps(pod, "volumes")).contains(Map.of("name", "ca", "configMap", Map.of("name", "corporate-ca")));
        assertThat(maps(pod, "containers", 0, "volumeMounts"))
                .contains(Map.of("name", "ca", "mountPath", "/etc/ssl/corp"));
    }

    @Test
    void derivesThePublicUrlFromTheIngressHostWhenNotGiven() {
        assertThat(map(hubConfig(ChartRendering.of("ingress-tls.yaml")), "hub"))
                .containsEntry("public_url", "https://notebooks.example.org");
        assertThat(map(hubConfig(ChartRendering.of("oidc-existing-secret.yaml")), "hub"))
                .containsEntry("public_url", "https://hub.example.org");
        assertThat(map(hubConfig(ChartRendering.render()), "hub")).containsEntry("public_url", "");
    }

    @Test
    void dropsDisruptionBudgetsWhenDisabled() {
        assertThat(ChartRendering.of("netpol-off.yaml").ofKind("PodDisruptionBudget")).isEmpty();
    }

    @Test
    void routesTheIngressHostWithTlsToTheProxy() {
        ChartRendering rendering = ChartRendering.of("ingress-tls.yaml");
        Map<String, Object> ingress = rendering.get("Ingress", "nbhub");

        assertThat(str(ingress, "spec", "ingressClassName")).isEqualTo("nginx");
        assertThat(map(ingress, "metadata", "annotations"))
                .containsEntry("cert-manager.io/cluster-issuer", "letsencrypt");
        assertThat(str(ingress, "spec", "rules", 0, "host")).isEqualTo("notebooks.example.org");
        assertThat(map(ingress, "spec", "rules", 0, "http", "paths", 0)).contains(
                entry("path", "/"), entry("pathType", "Prefix"));
        assertThat(at(ingress, "spec", "rules", 0, "http", "paths", 0, "backend", "service")).isEqualTo(
                Map.of("name", "nbhub-proxy-public", "port", Map.of("name", "http")));
        assertThat(maps(ingress, "spec", "tls")).containsExactly(Map.of(
                "hosts", List.of("notebooks.example.org"), "secretName", "notebooks-example-org-tls"));
        assertThat(str(rendering.get("Service", "nbhub-proxy-public"), "spec", "type")).isEqualTo("ClusterIP");
    }

    @Test
    void terminatesTlsInTheProxyWithTheCertificateSecret() {
        ChartRendering rendering = ChartRendering.of("proxy-https.yaml");
        Map<String, Object> proxy = container(rendering, "nbhub-proxy");
        Map<String, Object> pod = map(rendering.get("Deployment", "nbhub-proxy"), "spec", "template", "spec");

        assertThat(list(proxy, "args")).containsSubsequence(
                "--ssl-key", "/etc/notebook-hub/tls/tls.key", "--ssl-cert", "/etc/notebook-hub/tls/tls.crt");
        // HTTPS on 8443, plain HTTP on 8000 answered with a redirect to https:// on 443, as z2jh's proxy does.
        assertThat(list(proxy, "args")).containsSubsequence("--port", "8443")
                .containsSubsequence("--redirect-port", "8000", "--redirect-to", "443");
        assertThat(maps(proxy, "ports")).extracting(p -> p.get("name") + ":" + p.get("containerPort"))
                .containsExactly("http:8000", "https:8443", "api:8001");
        assertThat(proxy).extractingByKey("livenessProbe").extracting("httpGet").extracting("port").isEqualTo(8443);
        assertThat(maps(pod, "volumes")).filteredOn(v -> "tls".equals(v.get("name"))).singleElement()
                .satisfies(v -> assertThat(str(v, "secret", "secretName")).isEqualTo("hub-example-org-tls"));
        assertThat(str(proxy, "livenessProbe", "httpGet", "scheme")).isEqualTo("HTTPS");
        Map<String, Object> service = rendering.get("Service", "nbhub-proxy-public");
        assertThat(maps(service, "spec", "ports")).containsExactly(
                Map.of("name", "http", "port", 80, "targetPort", "http", "protocol", "TCP"),
                Map.of("name", "https", "port", 443, "targetPort", "https", "protocol", "TCP"));
        assertThat(list(service, "spec", "loadBalancerSourceRanges")).containsExactly("203.0.113.0/24");
    }
}
