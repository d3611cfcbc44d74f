package io.notebookhub.spawner.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.notebookhub.spawner.kubernetes.ops.ApiCalls;
import io.notebookhub.spawner.kubernetes.watch.ClusterWatch;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class PlaceholderScheduleTest {
    KubernetesClient client;

    private static final List<Map<String, Object>> GPU = List.of(Map.of("stateful_set", "nbhub-user-placeholder-gpu",
            "replicas", 1, "timezone", "Europe/Berlin", "windows", List.of(
                    Map.of("days", List.of("Mon", "Tue", "Wed", "Thu", "Fri"), "from", "08:00", "to", "18:00",
                            "replicas", 4),
                    Map.of("from", "22:00", "to", "02:00", "replicas", 0))));

    private static ZonedDateTime berlin(String localDateTime) {
        return java.time.LocalDateTime.parse(localDateTime).atZone(java.time.ZoneId.of("Europe/Berlin"));
    }

    @Test
    void followsPeakHoursOnWorkdaysInItsTimezoneAndTheDefaultOutside() {
        PlaceholderSchedule gpu = PlaceholderSchedule.fromConfig(GPU, "k").get(0);

        // 2026-12-02 is a Wednesday.
        assertThat(gpu.replicasAt(berlin("2026-12-02T08:00"))).isEqualTo(4);
        assertThat(gpu.replicasAt(berlin("2026-12-02T17:59"))).isEqualTo(4);
        assertThat(gpu.replicasAt(berlin("2026-12-02T18:00"))).isEqualTo(1);
        assertThat(gpu.replicasAt(berlin("2026-12-05T10:00"))).as("Saturday").isEqualTo(1);
        // 07:30 UTC is 08:30 in Berlin in winter.
        assertThat(gpu.replicasAt(ZonedDateTime.of(2026, 12, 2, 7, 30, 0, 0, ZoneOffset.UTC))).isEqualTo(4);
    }

    @Test
    void aWindowEndingBeforeItStartsRunsPastMidnight() {
        PlaceholderSchedule gpu = PlaceholderSchedule.fromConfig(GPU, "k").get(0);

        assertThat(gpu.replicasAt(berlin("2026-12-02T23:00"))).isEqualTo(0);
        assertThat(gpu.replicasAt(berlin("2026-12-03T01:59"))).isEqualTo(0);
        assertThat(gpu.replicasAt(berlin("2026-12-03T02:00"))).isEqualTo(1);
    }

    @Test
    void refusesABadEntryNamingWhereItIs() {
        assertThatThrownBy(() -> PlaceholderSchedule.fromConfig(List.of(Map.of("stateful_set", "s", "replicas", 1,
                "windows", List.of(Map.of("from", "8am", "to", "18:00", "replicas", 2)))), "kubernetes.placeholderSchedules"))
                .hasMessage("kubernetes.placeholderSchedules[0].windows[0].from must be a time of day such as 08:00, "
                        + "got: 8am");
        assertThatThrownBy(() -> PlaceholderSchedule.fromConfig(List.of(Map.of("stateful_set", "s", "replicas", 1,
                "windows", List.of(Map.of("days", List.of("Mo"), "from", "08:00", "to", "18:00", "replicas", 2)))),
                "k")).hasMessageContaining("k[0].windows[0].days has Mo, not a day");
        assertThatThrownBy(() -> PlaceholderSchedule.fromConfig(List.of(Map.of("stateful_set", "s", "replicas", -1)),
                "k")).hasMessage("k[0].replicas must be a whole number >= 0, got: -1");
        assertThatThrownBy(() -> PlaceholderSchedule.fromConfig(List.of(Map.of("stateful_set", "s", "replicas", 1,
                "timezone", "Mars/Olympus")), "k")).hasMessageContaining("k[0].timezone must be a zone");
        assertThatThrownBy(() -> PlaceholderSchedule.fromConfig(List.of(Map.of("statefulset", "s")), "k"))
                .hasMessageContaining("k[0].statefulset is not a known key");
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("placeholder_schedules", Map.of("a", 1))))
                .hasMessageContaining("kubernetes.placeholder_schedules").hasMessageContaining("must be a list");
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("placeholder_schedules", List.of(Map.of(
                "stateful_set", "s", "replicas", 1, "timezone", "Mars/Olympus")))))
                .hasMessageContaining("kubernetes.placeholder_schedules").hasMessageContaining("zones such as Europe/Berlin");
    }

    @Test
    void theScalerSetsEachScheduledStatefulSetsReplicasForNow() throws Exception {
        client.apps().statefulSets().inNamespace("hub").resource(new StatefulSetBuilder().withNewMetadata()
                .withName("nbhub-user-placeholder-gpu").endMetadata().withNewSpec().withReplicas(1)
                .withServiceName("x").endSpec().build()).create();
        KubernetesSpawnerConfig config = KubernetesSpawnerConfig.builder().set(KubernetesSpawnerConfig.NAMESPACE, "hub")
                .set(KubernetesSpawnerConfig.PLACEHOLDER_SCHEDULES,
                        new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(GPU)).build();
        Vertx vertx = Vertx.vertx();
        try {
            ApiCalls api = new ApiCalls(vertx, "test", 1, Duration.ofSeconds(5));
            Kube kube = new Kube(vertx, client, api, new ClusterWatch(client, config), config,
                    new UserNamespaces(vertx, client, api, config));
            Clock wednesdayMorning = Clock.fixed(berlin("2026-12-02T09:00").toInstant(), ZoneOffset.UTC);

            new PlaceholderScaler(kube, config.placeholderSchedules(), wednesdayMorning).applyAll()
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

            assertThat(client.apps().statefulSets().inNamespace("hub").withName("nbhub-user-placeholder-gpu").get()
                    .getSpec().getReplicas()).isEqualTo(4);
            api.close();
        } finally {
            vertx.close();
        }
    }
}
