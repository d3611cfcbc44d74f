package io.notebookhub.system.chart;

import static io.notebookhub.system.chart.ChartRendering.list;
import static io.notebookhub.system.chart.ChartRendering.map;
import static io.notebookhub.system.chart.ChartRendering.maps;
import static io.notebookhub.system.chart.ChartRendering.selects;
import static io.notebookhub.system.chart.ChartRendering.str;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may talk to whom: user pods, the hub and the proxy API are reachable only from their clients. */
class ChartNetworkPolicyTest {

    private static final Map<String, Object> HUB = Map.of("app.kubernetes.io/name", "notebook-hub",
            "app.kubernetes.io/instance", "nbhub", "component", "hub");
    private static final Map<String, Object> PROXY = Map.of("app.kubernetes.io/name", "notebook-hub",
            "app.kubernetes.io/instance", "nbhub", "component", "proxy");
    private static final Map<String, Object> OTHER_RELEASE_PROXY = Map.of("app.kubernetes.io/name", "notebook-hub",
            "app.kubernetes.io/instance", "other", "component", "proxy");
    private static final Map<String, Object> USER = ChartWiringTest.USER_POD_LABELS;
    private static final Map<String, Object> STRANGER = Map.of("app", "something-else");

    /** Whether a pod with these labels may open this port on the policy's pods (same namespace). */
    private static boolean admits(Map<String, Object> policy, Map<String, Object> from, Object port) {
        return maps(policy, "spec", "ingress").stream().anyMatch(rule -> {
            boolean portOk = maps(rule, "ports").isEmpty()
                    || maps(rule, "ports").stream().anyMatch(p -> port.equals(p.get("port")));
            boolean peerOk = !rule.containsKey("from") || maps(rule, "from").stream()
                    .anyMatch(peer -> peer.containsKey("podSelector") && !peer.containsKey("namespaceSelector")
                            && selects(map(peer, "podSelector", "matchLabels"), from));
            return portOk && peerOk;
        });
    }

    @Test
    void letsOnlyTheProxyAndTheHubReachUserServers() {
        Map<String, Object> policy = ChartRendering.render().get("NetworkPolicy", "nbhub-singleuser");

        assertThat(map(policy, "spec", "podSelector", "matchLabels")).isEqualTo(Map.of("app.kubernetes.io/name", "notebook-hub",
                "app.kubernetes.io/instance", ChartRendering.RELEASE, "app.kubernetes.io/component", "singleuser-server"));
        assertThat(list(policy, "spec", "policyTypes")).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(admits(policy, PROXY, 8888)).isTrue();
        assertThat(admits(policy, HUB, 8888)).isTrue();
        assertThat(admits(policy, USER, 8888)).as("another user's server").isFalse();
        assertThat(admits(policy, STRANGER, 8888)).isFalse();
        assertThat(admits(policy, OTHER_RELEASE_PROXY, 8888)).isFalse();
        assertThat(admits(policy, PROXY, 22)).isFalse();
    }

    @Test
    void letsOnlyTheProxyAndUserServersReachTheHub() {
        Map<String, Object> policy = ChartRendering.render().get("NetworkPolicy", "nbhub-hub");

        assertThat(list(policy, "spec", "policyTypes")).containsExactly("Ingress");
        assertThat(admits(policy, PROXY, "http")).isTrue();
        assertThat(admits(policy, USER, "http")).as("user servers call the hub API").isTrue();
        assertThat(admits(policy, STRANGER, "http")).isFalse();
        assertThat(admits(policy, PROXY, 5005)).isFalse();
    }

    @Test
    void opensThePublicProxyPortToAllAndItsApiOnlyToTheHub() {
        Map<String, Object> policy = ChartRendering.render().get("NetworkPolicy", "nbhub-proxy");

        assertThat(admits(policy, STRANGER, 8000)).isTrue();
        assertThat(admits(policy, HUB, 8001)).isTrue();
        assertThat(admits(policy, USER, 8001)).isFalse();
        assertThat(admits(policy, STRANGER, 8001)).isFalse();
        assertThat(admits(policy, OTHER_RELEASE_PROXY, 8001)).isFalse();
    }

    @Test
    void opensTheHttpsPortAndTheRedirectPortToAllWhenTheProxyTerminatesTls() {
        Map<String, Object> policy = ChartRendering.of("proxy-https.yaml").get("NetworkPolicy", "nbhub-proxy");

        assertThat(admits(policy, STRANGER, 8443)).isTrue();
        assertThat(admits(policy, STRANGER, 8000)).isTrue();
        assertThat(admits(policy, STRANGER, 8001)).isFalse();
        assertThat(admits(ChartRendering.render().get("NetworkPolicy", "nbhub-proxy"), STRANGER, 8443)).isFalse();
    }

    @Test
    void letsUserServersResolveNamesReachTheInternetAndTheHubButNotPrivateRangesOrMetadata() {
        List<Map<String, Object>> egress = maps(ChartRendering.render().get("NetworkPolicy", "nbhub-singleuser"),
                "spec", "egress");

        assertThat(egress).anySatisfy(rule -> {
            assertThat(selects(map(rule, "to", 0, "podSelector", "matchLabels"), HUB)).isTrue();
            assertThat(maps(rule, "ports")).containsExactly(Map.of("port", 8081, "protocol", "TCP"));
        });
        assertThat(egress).anySatisfy(rule -> {
            assertThat(rule).doesNotContainKey("to");
            assertThat(maps(rule, "ports")).containsExactlyInAnyOrder(
                    Map.of("port", 53, "protocol", "UDP"), Map.of("port", 53, "protocol", "TCP"));
        });
        List<Map<String, Object>> ipBlocks = egress.stream().flatMap(rule -> maps(rule, "to").stream())
                .filter(peer -> peer.containsKey("ipBlock")).map(peer -> map(peer, "ipBlock")).toList();
        assertThat(ipBlocks).singleElement().satisfies(block -> {
            assertThat(block).containsEntry("cidr", "0.0.0.0/0");
            assertThat(list(block, "except")).containsExactlyInAnyOrder("10.0.0.0/8", "172.16.0.0/12",
                    "192.168.0.0/16", "100.64.0.0/10", "169.254.169.254/32");
        });
    }

    @Test
    void allowsPrivateRangesAndTheMetadataServerWhenTheOperatorSaysSo() {
        List<Map<String, Object>> egress = maps(ChartRendering.of("proxy-https.yaml")
                .get("NetworkPolicy", "nbhub-singleuser"), "spec", "egress");
        List<String> allowedCidrs = egress.stream().flatMap(rule -> maps(rule, "to").stream())
                .filter(peer -> peer.containsKey("ipBlock")).map(peer -> str(peer, "ipBlock", "cidr")).toList();

        assertThat(allowedCidrs).contains("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.169.254/32");
        assertThat(egress).anySatisfy(rule -> assertThat(list(rule, "to", 0, "ipBlock", "except"))
                .doesNotContain("169.254.169.254/32").contains("10.0.0.0/8"));
    }

    @Test
    void rendersNoPoliciesWhenDisabled() {
        assertThat(ChartRendering.of("netpol-off.yaml").ofKind("NetworkPolicy")).isEmpty();
    }
}
