package io.notebookhub.system.chart;

import static io.notebookhub.system.chart.ChartRendering.at;
import static io.notebookhub.system.chart.ChartRendering.map;
import static io.notebookhub.system.chart.ChartRendering.maps;
import static io.notebookhub.system.chart.ChartRendering.selects;
import static io.notebookhub.system.chart.ChartRendering.str;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every name one object uses to find another resolves, in every values scenario. */
class ChartWiringTest {

    /** Labels the Kubernetes spawner puts on a user pod (spawner contract), for matching selectors. */
    static final Map<String, Object> USER_POD_LABELS = Map.of(
            "app.kubernetes.io/name", "notebook-hub",
            "app.kubernetes.io/instance", ChartRendering.RELEASE,
            "app.kubernetes.io/component", "singleuser-server",
            "hub.jupyter.org/username", "alice",
            "hub.jupyter.org/servername", "",
            "notebookhub.io/profile", "small",
            "app.kubernetes.io/managed-by", "notebook-hub");

    static List<String> scenarios() {
        return ChartRendering.SCENARIOS;
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void deploymentSelectorsMatchTheirOwnPodTemplates(String scenario) {
        for (Map<String, Object> deployment : ChartRendering.of(scenario).ofKind("Deployment")) {
            Map<String, Object> selector = map(deployment, "spec", "selector", "matchLabels");
            assertThat(selector).as("selector of %s", str(deployment, "metadata", "name")).isNotEmpty();
            assertThat(selects(selector, podLabels(deployment)))
                    .as("%s selects its pods", str(deployment, "metadata", "name")).isTrue();
        }
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void everyServiceSelectsExactlyOneComponentsPods(String scenario) {
        ChartRendering rendering = ChartRendering.of(scenario);
        Map<String, String> expectedTarget = Map.of(
                "nbhub-hub", "nbhub-hub", "nbhub-proxy-public", "nbhub-proxy", "nbhub-proxy-api", "nbhub-proxy");

        for (Map<String, Object> service : rendering.ofKind("Service")) {
            String name = str(service, "metadata", "name");
            List<String> selected = rendering.ofKind("Deployment").stream()
                    .filter(d -> selects(map(service, "spec", "selector"), podLabels(d)))
                    .map(d -> str(d, "metadata", "name")).toList();
            assertThat(selected).as("pods selected by Service %s", name).containsExactly(expectedTarget.get(name));

            Map<String, Object> target = rendering.get("Deployment", selected.get(0));
            Set<Object> containerPortNames = maps(target, "spec", "template", "spec", "containers").stream()
                    .flatMap(c -> maps(c, "ports").stream()).map(p -> p.get("name")).collect(Collectors.toSet());
            for (Map<String, Object> port : maps(service, "spec", "ports")) {
                assertThat(containerPortNames).as("targetPort of %s", name).contains(port.get("targetPort"));
            }
        }
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void disruptionBudgetsSelectTheirComponentOnly(String scenario) {
        ChartRendering rendering = ChartRendering.of(scenario);
        for (Map<String, Object> pdb : rendering.ofKind("PodDisruptionBudget")) {
            List<String> selected = rendering.ofKind("Deployment").stream()
                    .filter(d -> selects(map(pdb, "spec", "selector", "matchLabels"), podLabels(d)))
                    .map(d -> str(d, "metadata", "name")).toList();
            assertThat(selected).containsExactly(str(pdb, "metadata", "name"));
        }
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void networkPoliciesSelectTheHubTheProxyAndUserPods(String scenario) {
        ChartRendering rendering = ChartRendering.of(scenario);
        Map<String, Object> hubPod = podLabels(rendering.get("Deployment", "nbhub-hub"));
        Map<String, Object> proxyPod = podLabels(rendering.get("Deployment", "nbhub-proxy"));

        for (Map<String, Object> policy : rendering.ofKind("NetworkPolicy")) {
            Map<String, Object> selector = map(policy, "spec", "podSelector", "matchLabels");
            List<String> selected = Stream.of(
                            selects(selector, hubPod) ? "hub" : null,
                            selects(selector, proxyPod) ? "proxy" : null,
                            selects(selector, USER_POD_LABELS) ? "user" : null)
                    .filter(s -> s != null).toList();
            assertThat(selected).as("pods selected by %s", str(policy, "metadata", "name")).hasSize(1);
        }
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void referencedConfigMapsClaimsAndAccountsExist(String scenario) {
        ChartRendering rendering = ChartRendering.of(scenario);
        Map<String, Object> hub = rendering.get("Deployment", "nbhub-hub");
        Map<String, Object> podSpec = map(hub, "spec", "template", "spec");

        for (Map<String, Object> volume : maps(podSpec, "volumes")) {
            if (volume.containsKey("configMap")) {
                assertThat(rendering.find("ConfigMap", str(volume, "configMap", "name"))).isPresent();
            }
            if (volume.containsKey("persistentVolumeClaim")) {
                assertThat(rendering.find("PersistentVolumeClaim",
                        str(volume, "persistentVolumeClaim", "claimName"))).isPresent();
            }
        }
        String account = str(podSpec, "serviceAccountName");
        assertThat(rendering.find("ServiceAccount", account)).isPresent();
        Map<String, Object> binding = rendering.get("RoleBinding", "nbhub-hub-spawner");
        assertThat(str(binding, "subjects", 0, "name")).isEqualTo(account);
        assertThat(str(binding, "subjects", 0, "namespace")).isEqualTo(ChartRendering.NAMESPACE);
        assertThat(rendering.find("Role", str(binding, "roleRef", "name"))).isPresent();
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void ingressPointsAtTheProxyPublicServicePort(String scenario) {
        ChartRendering rendering = ChartRendering.of(scenario);
        for (Map<String, Object> ingress : rendering.ofKind("Ingress")) {
            for (Map<String, Object> rule : maps(ingress, "spec", "rules")) {
                Object backend = at(rule, "http", "paths", 0, "backend", "service");
                Map<String, Object> service = rendering.get("Service", str(backend, "name"));
                assertThat(maps(service, "spec", "ports")).extracting(p -> p.get("name"))
                        .contains(at(backend, "port", "name"));
            }
        }
    }

    static Map<String, Object> podLabels(Map<String, Object> deployment) {
        return map(deployment, "spec", "template", "metadata", "labels");
    }
}
