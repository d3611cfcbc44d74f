package io.notebookhub.system.chart;

import static io.notebookhub.system.chart.ChartRendering.at;
import static io.notebookhub.system.chart.ChartRendering.list;
import static io.notebookhub.system.chart.ChartRendering.map;
import static io.notebookhub.system.chart.ChartRendering.maps;
import static io.notebookhub.system.chart.ChartRendering.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * User placeholders, image pullers and the packing scheduler, rendered from the profiles in values: each placeholder
 * asks for what its profile's user pod asks for, on the same nodes; each puller runs where its profiles' pods may run.
 */
class ChartCapacityTest {

    private static ChartRendering capacity() {
        return ChartRendering.of("capacity.yaml");
    }

    private static Map<String, Object> hubKubernetesConfig(ChartRendering rendering) throws Exception {
        String yaml = str(rendering.get("ConfigMap", "nbhub-hub-config"), "data", "config.yaml");
        return map(ChartRendering.MAPPER.readValue(yaml, Map.class), "spawner", "kubernetes");
    }

    private static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(workload, "spec", "template", "spec");
    }

    @Test
    void rendersNoCapacityObjectsByDefault() throws Exception {
        ChartRendering defaults = ChartRendering.render();

        assertThat(defaults.ofKind("StatefulSet")).isEmpty();
        assertThat(defaults.ofKind("DaemonSet")).isEmpty();
        assertThat(defaults.ofKind("Job")).isEmpty();
        assertThat(defaults.ofKind("PriorityClass")).isEmpty();
        assertThat(defaults.find("Deployment", "nbhub-user-scheduler")).isEmpty();
        assertThat(hubKubernetesConfig(defaults)).containsEntry("priority_class_name", "")
                .containsEntry("scheduler_name", "");
    }

    @Test
    void placeholdersOfTheDefaultProfileAskForItsGuaranteeOrItsLimit() {
        Map<String, Object> set = capacity().get("StatefulSet", "nbhub-user-placeholder");

        assertThat(at(set, "spec", "replicas")).isEqualTo(3);
        assertThat(str(set, "spec", "podManagementPolicy")).isEqualTo("Parallel");
        Map<String, Object> spec = podSpec(set);
        assertThat(spec).containsEntry("priorityClassName", "nbhub-user-placeholder-priority")
                .containsEntry("terminationGracePeriodSeconds", 0).doesNotContainKeys("nodeSelector", "tolerations");
        // cpu has a guarantee; memory only a limit, which Kubernetes then also requests for the user pod.
        assertThat(map(spec, "containers", 0, "resources", "requests"))
                .containsOnly(entry("cpu", "1"), entry("memory", "4G"));
        assertThat(str(spec, "containers", 0, "image")).isEqualTo("registry.k8s.io/pause:3.10");
    }

    @Test
    void gpuPlaceholdersTakeTheGpuProfilesRequestsTolerationsSelectorAndAffinity() {
        Map<String, Object> spec = podSpec(capacity().get("StatefulSet", "nbhub-user-placeholder-gpu"));

        assertThat(map(spec, "containers", 0, "resources", "requests"))
                .containsOnly(entry("cpu", "2"), entry("memory", "16G"), entry("nvidia.com/gpu", "1"));
        assertThat(map(spec, "containers", 0, "resources", "limits")).containsOnly(entry("nvidia.com/gpu", "1"));
        assertThat(map(spec, "nodeSelector")).containsOnly(entry("pool", "gpu"));
        assertThat(maps(spec, "tolerations")).singleElement().satisfies(t -> assertThat(t)
                .contains(entry("key", "nvidia.com/gpu"), entry("operator", "Exists"), entry("effect", "NoSchedule")));
        assertThat(str(spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                "nodeSelectorTerms", 0, "matchExpressions", 0, "key")).isEqualTo("topology.kubernetes.io/zone");
        assertThat(spec).containsEntry("schedulerName", "nbhub-user-scheduler");
    }

    @Test
    void userServersOutrankPlaceholdersAndPullersOutrankNothingButPlaceholders() throws Exception {
        ChartRendering rendering = capacity();
        int user = (Integer) rendering.get("PriorityClass", "nbhub-user-priority").get("value");
        int puller = (Integer) rendering.get("PriorityClass", "nbhub-image-puller-priority").get("value");
        Map<String, Object> placeholderClass = rendering.get("PriorityClass", "nbhub-user-placeholder-priority");

        assertThat(user).isGreaterThan(puller);
        assertThat(puller).isGreaterThan((Integer) placeholderClass.get("value"));
        assertThat(placeholderClass).containsEntry("preemptionPolicy", "Never").containsEntry("globalDefault", false);
        assertThat(hubKubernetesConfig(rendering)).containsEntry("priority_class_name", "nbhub-user-priority")
                .containsEntry("scheduler_name", "nbhub-user-scheduler");
    }

    @Test
    void podPriorityAloneGivesUserServersTheirClassWithoutPlaceholders() throws Exception {
        ChartRendering rendering = ChartRendering.render("--set", "scheduling.podPriority.enabled=true");

        assertThat(rendering.find("PriorityClass", "nbhub-user-priority")).isPresent();
        assertThat(rendering.find("PriorityClass", "nbhub-user-placeholder-priority")).isEmpty();
        assertThat(rendering.ofKind("StatefulSet")).isEmpty();
        assertThat(hubKubernetesConfig(rendering)).containsEntry("priority_class_name", "nbhub-user-priority");
    }

    @Test
    void aPlaceholderForAProfileThatDoesNotExistIsRefusedNamingTheKey() {
        Helm.Result result = Helm.run("template", "nbhub", Helm.chart().toString(),
                "--set", "scheduling.userPlaceholder.enabled=true",
                "--set", "scheduling.userPlaceholder.profiles.gpus.replicas=1");

        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("scheduling.userPlaceholder.profiles.gpus")
                .contains("profiles has no such slug");
    }

    @Test
    void continuousPullersRunOnePerPlacementWithEveryImageOfItsProfiles() {
        ChartRendering rendering = capacity();
        List<Map<String, Object>> pullers = rendering.ofKind("DaemonSet").stream()
                .filter(d -> "continuous-image-puller".equals(str(d, "metadata", "labels", "component"))).toList();

        // cpu and cpu-large share a placement (anywhere); gpu has its own.
        assertThat(pullers).extracting(d -> str(d, "metadata", "name"))
                .containsExactly("nbhub-continuous-image-puller-cpu", "nbhub-continuous-image-puller-gpu");
        Map<String, Object> cpu = podSpec(pullers.get(0));
        assertThat(maps(cpu, "initContainers")).extracting(c -> c.get("image")).containsExactly(
                "quay.io/jupyter/base-notebook:2024-10-07", "quay.io/jupyter/scipy-notebook:2024-10-07",
                "quay.io/jupyter/pyspark-notebook:2024-10-07");
        assertThat(cpu).doesNotContainKeys("nodeSelector", "tolerations", "affinity");
        Map<String, Object> gpu = podSpec(pullers.get(1));
        // The option's images are pulled too; the unlisted choice's "{value}" is a user's, not known in advance.
        assertThat(maps(gpu, "initContainers")).extracting(c -> c.get("image")).containsExactly(
                "quay.io/jupyter/pytorch-notebook:cuda12-2024-10-07",
                "quay.io/jupyter/tensorflow-notebook:cuda-2024-10-07",
                "quay.io/jupyter/pyspark-notebook:2024-10-07");
        assertThat(map(gpu, "nodeSelector")).containsOnly(entry("pool", "gpu"));
        assertThat(maps(gpu, "tolerations")).extracting(t -> t.get("key")).containsExactly("nvidia.com/gpu");
        assertThat(at(gpu, "affinity", "nodeAffinity")).isNotNull();
        assertThat(gpu).containsEntry("priorityClassName", "nbhub-image-puller-priority");
        assertThat(str(gpu, "containers", 0, "image")).isEqualTo("registry.k8s.io/pause:3.10");
    }

    @Test
    void theHookPullsTheSameImagesBeforeTheUpgradeAndAJobWaitsForEveryHookPuller() {
        ChartRendering rendering = capacity();
        Map<String, Object> hookGpu = rendering.get("DaemonSet", "nbhub-hook-image-puller-gpu");
        Map<String, Object> continuousGpu = rendering.get("DaemonSet", "nbhub-continuous-image-puller-gpu");

        assertThat(map(hookGpu, "metadata", "annotations")).containsEntry("helm.sh/hook", "pre-install,pre-upgrade")
                .containsEntry("helm.sh/hook-weight", "-10");
        assertThat(list(podSpec(hookGpu), "initContainers")).isEqualTo(list(podSpec(continuousGpu), "initContainers"));

        Map<String, Object> job = rendering.get("Job", "nbhub-hook-image-awaiter");
        assertThat(Integer.parseInt(str(job, "metadata", "annotations", "helm.sh/hook-weight"))).isGreaterThan(-10);
        assertThat(maps(podSpec(job), "containers")).extracting(c -> list(c, "args").get(4))
                .containsExactly("daemonset/nbhub-hook-image-puller-cpu", "daemonset/nbhub-hook-image-puller-gpu");
        Map<String, Object> role = rendering.get("Role", "nbhub-hook-image-awaiter");
        assertThat(list(role, "rules", 0, "resourceNames"))
                .containsExactly("nbhub-hook-image-puller-cpu", "nbhub-hook-image-puller-gpu");
        assertThat(list(role, "rules", 0, "verbs")).containsExactly("get", "list", "watch");
    }

    @Test
    void theProfilesConfigMapRecordsWhichImagesWerePulledSoTheNextUpgradeCanSkipTheHook() {
        ChartRendering rendering = capacity();
        ChartRendering otherImages = ChartRendering.render(ChartRendering.valuesFile("capacity.yaml").toString(),
                "--set", "prePuller.extraImages.spark.tag=2025-01-01");

        String checksum = str(rendering.get("ConfigMap", "nbhub-profiles"), "metadata", "annotations",
                "notebook-hub/pre-puller-checksum");
        assertThat(checksum).hasSize(64);
        assertThat(str(otherImages.get("ConfigMap", "nbhub-profiles"), "metadata", "annotations",
                "notebook-hub/pre-puller-checksum")).isNotEqualTo(checksum);
    }

    @Test
    void theUserSchedulerPacksWithMostAllocatedUnderItsOwnNameAndLease() throws Exception {
        ChartRendering rendering = capacity();
        String config = str(rendering.get("ConfigMap", "nbhub-user-scheduler"), "data", "config.yaml");
        Map<String, Object> parsed = ChartRendering.MAPPER.readValue(config, Map.class);

        assertThat(str(parsed, "kind")).isEqualTo("KubeSchedulerConfiguration");
        assertThat(str(parsed, "profiles", 0, "schedulerName")).isEqualTo("nbhub-user-scheduler");
        assertThat(str(parsed, "profiles", 0, "pluginConfig", 0, "args", "scoringStrategy", "type"))
                .isEqualTo("MostAllocated");
        assertThat(maps(parsed, "profiles", 0, "plugins", "score", "disabled")).extracting(p -> p.get("name"))
                .contains("NodeResourcesBalancedAllocation");
        assertThat(map(parsed, "leaderElection")).containsEntry("leaderElect", true)
                .containsEntry("resourceName", "nbhub-user-scheduler").containsEntry("resourceNamespace", "notebooks");

        Map<String, Object> deployment = rendering.get("Deployment", "nbhub-user-scheduler");
        Map<String, Object> spec = podSpec(deployment);
        assertThat(spec).containsEntry("serviceAccountName", "nbhub-user-scheduler");
        assertThat(list(spec, "containers", 0, "command")).contains("--config=/etc/user-scheduler/config.yaml");
        assertThat(str(deployment, "spec", "template", "metadata", "annotations", "checksum/config")).hasSize(64);
    }

    @Test
    void theUserSchedulerMayBindPodsAndHoldOnlyItsOwnLease() {
        ChartRendering rendering = capacity();

        assertThat(str(rendering.get("ClusterRoleBinding", "nbhub-notebooks-user-scheduler"), "roleRef", "name"))
                .isEqualTo("system:kube-scheduler");
        assertThat(str(rendering.get("ClusterRoleBinding", "nbhub-notebooks-user-scheduler-volume"), "roleRef",
                "name")).isEqualTo("system:volume-scheduler");
        List<Map<String, Object>> rules = maps(rendering.get("Role", "nbhub-user-scheduler"), "rules");
        assertThat(rules).anySatisfy(r -> assertThat(list(r, "resourceNames")).containsExactly("nbhub-user-scheduler"));
        assertThat(rules).allSatisfy(r -> assertThat(list(r, "resources")).containsExactly("leases"));
    }

    @Test
    void placeholderAndPullerNamesStayWithinKubernetesLimitsForLongReleaseNames() {
        ChartRendering rendering = ChartRendering.render(ChartRendering.valuesFile("capacity.yaml").toString(),
                "--set", "fullnameOverride=" + "a".repeat(40));

        assertThat(rendering.ofKind("StatefulSet")).isNotEmpty().allSatisfy(s ->
                assertThat(str(s, "metadata", "name")).hasSizeLessThanOrEqualTo(52));
        assertThat(rendering.ofKind("DaemonSet")).isNotEmpty().allSatisfy(s ->
                assertThat(str(s, "metadata", "name")).hasSizeLessThanOrEqualTo(52));
    }

    @Test
    void theHubGetsEachPlaceholderScheduleAndMayPatchOnlyThoseStatefulSets() throws Exception {
        ChartRendering rendering = capacity();

        List<Map<String, Object>> schedules = maps(hubKubernetesConfig(rendering), "placeholder_schedules");
        assertThat(schedules).singleElement().satisfies(s -> {
            assertThat(s).containsEntry("stateful_set", "nbhub-user-placeholder-gpu").containsEntry("replicas", 1)
                    .containsEntry("timezone", "Europe/Berlin");
            assertThat(maps(s, "windows")).extracting(w -> w.get("replicas")).containsExactly(4, 0);
        });
        List<Map<String, Object>> rules = maps(rendering.get("Role", "nbhub-hub-spawner"), "rules");
        assertThat(rules).filteredOn(r -> list(r, "resources").contains("statefulsets")).singleElement()
                .satisfies(r -> {
                    assertThat(list(r, "resourceNames")).containsExactly("nbhub-user-placeholder-gpu");
                    assertThat(list(r, "verbs")).containsExactly("patch");
                });
        assertThat(maps(ChartRendering.render().get("Role", "nbhub-hub-spawner"), "rules"))
                .noneSatisfy(r -> assertThat(list(r, "resources")).contains("statefulsets"));
    }
}
