package io.notebookhub.system.chart;

import static io.notebookhub.system.chart.ChartRendering.list;
import static io.notebookhub.system.chart.ChartRendering.map;
import static io.notebookhub.system.chart.ChartRendering.maps;
import static io.notebookhub.system.chart.ChartRendering.str;
import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.config.HubConfig;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;
import io.notebookhub.spawner.kubernetes.model.Namespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-user namespaces in the chart: cluster-wide RBAC only when on, and the hub told to use them. */
class ChartUserNamespacesTest {
    private static final String[] ON = {"--set", "singleuser.userNamespaces.enabled=true",
        "singleuser.userNamespaces.template=nb-{username}", "singleuser.storage.deletePvcOnUserDelete=true"};

    @TempDir
    Path temp;

    @Test
    void rendersNoClusterWideRbacByDefault() {
        ChartRendering plain = ChartRendering.render();

        assertThat(plain.ofKind("ClusterRole")).isEmpty();
        assertThat(plain.ofKind("ClusterRoleBinding")).isEmpty();
    }

    @Test
    void grantsTheSpawnersVerbsClusterWideAndBindsThemToTheHubWhenOn() {
        ChartRendering on = ChartRendering.render(ON);

        Map<String, Object> role = on.get("ClusterRole", "nbhub-notebooks-hub-spawner");
        Map<String, List<Object>> rules = new LinkedHashMap<>();
        maps(role, "rules").forEach(r -> {
            assertThat(list(r, "apiGroups")).containsExactly("");
            list(r, "resources").forEach(res -> rules.put((String) res, list(r, "verbs")));
        });
        assertThat(rules).containsExactly(
                Map.entry("pods", List.of("get", "list", "watch", "create", "delete")),
                Map.entry("persistentvolumeclaims", List.of("get", "create", "delete")),
                Map.entry("events", List.of("list", "watch")),
                Map.entry("namespaces", List.of("create")),
                Map.entry("serviceaccounts", List.of("get")));

        Map<String, Object> binding = on.get("ClusterRoleBinding", "nbhub-notebooks-hub-spawner");
        assertThat(map(binding, "roleRef")).containsEntry("kind", "ClusterRole")
                .containsEntry("name", "nbhub-notebooks-hub-spawner");
        assertThat(maps(binding, "subjects")).singleElement().satisfies(s -> {
            assertThat(s).containsEntry("kind", "ServiceAccount").containsEntry("name", "nbhub-hub")
                    .containsEntry("namespace", ChartRendering.NAMESPACE);
        });
    }

    @Test
    void rendersNoClusterRoleWhenRbacIsNotCreated() {
        String[] args = {"--set", "singleuser.userNamespaces.enabled=true", "rbac.create=false"};

        assertThat(ChartRendering.render(args).ofKind("ClusterRole")).isEmpty();
    }

    @Test
    void tellsTheHubToSpawnIntoTheTemplatedNamespaceAndLetsThoseServersReachIt() throws Exception {
        ChartRendering on = ChartRendering.render(ON);
        Path config = temp.resolve("config.yaml");
        Files.writeString(config, str(on.get("ConfigMap", "nbhub-hub-config"), "data", "config.yaml"));

        HubConfig hub = HubConfig.load(config, Map.of("NBHUB_PROXY_AUTH_TOKEN", "t", "NBHUB_HUB_COOKIE_SECRET",
                "ab".repeat(32), "NBHUB_AUTH_CLIENT_SECRET", "s"));
        KubernetesSpawnerConfig spawner = hub.spawner().kubernetes();

        assertThat(spawner.userNamespaces()).isTrue();
        assertThat(Namespaces.of("alice", spawner)).isEqualTo("nb-alice");
        Map<String, Object> namespaceLabels = Namespaces.userNamespace("alice", spawner).getMetadata().getLabels()
                .entrySet().stream().collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()),
                        Map::putAll);
        List<Map<String, Object>> from = maps(maps(on.get("NetworkPolicy", "nbhub-hub"), "spec", "ingress").get(0),
                "from");
        assertThat(from).anySatisfy(peer -> assertThat(ChartRendering.selects(
                map(peer, "namespaceSelector", "matchLabels"), namespaceLabels)).isTrue());
    }

    @Test
    void passesStaticStorageToTheHub() throws Exception {
        ChartRendering rendering = ChartRendering.render("--set", "singleuser.storage.type=static",
                "singleuser.storage.static.pvcName=home-nfs", "singleuser.storage.static.subPath=home/{username}");
        Path config = temp.resolve("config.yaml");
        Files.writeString(config, str(rendering.get("ConfigMap", "nbhub-hub-config"), "data", "config.yaml"));

        HubConfig hub = HubConfig.load(config, Map.of("NBHUB_PROXY_AUTH_TOKEN", "t", "NBHUB_HUB_COOKIE_SECRET",
                "ab".repeat(32), "NBHUB_AUTH_CLIENT_SECRET", "s"));
        KubernetesSpawnerConfig spawner = hub.spawner().kubernetes();

        assertThat(spawner.storageType()).isEqualTo("static");
        assertThat(spawner.staticPvcName()).isEqualTo("home-nfs");
        assertThat(spawner.staticSubPath()).isEqualTo("home/{username}");
    }
}
