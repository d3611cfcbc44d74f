package io.notebookhub.system.chart;

import static io.notebookhub.system.chart.ChartRendering.at;
import static io.notebookhub.system.chart.ChartRendering.map;
import static io.notebookhub.system.chart.ChartRendering.maps;
import static io.notebookhub.system.chart.ChartRendering.str;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** hub.db.type: the embedded store on a PVC by default; PostgreSQL with the password from an existing Secret. */
class ChartDatabaseTest {
    private static Map<String, Object> hubContainer(ChartRendering rendering) {
        return maps(rendering.get("Deployment", "nbhub-hub"), "spec", "template", "spec", "containers").get(0);
    }

    private static Optional<Map<String, Object>> env(ChartRendering rendering, String name) {
        return maps(hubContainer(rendering), "env").stream().filter(e -> name.equals(e.get("name"))).findFirst();
    }

    private static Map<String, Object> dataVolume(ChartRendering rendering) {
        return maps(rendering.get("Deployment", "nbhub-hub"), "spec", "template", "spec", "volumes").stream()
                .filter(v -> "data".equals(v.get("name"))).findFirst().orElseThrow();
    }

    private static Map<String, Object> hubConfig(ChartRendering rendering) {
        String yaml = str(rendering.get("ConfigMap", "nbhub-hub-config"), "data", "config.yaml");
        return ChartRendering.parse(yaml).get(0);
    }

    @Test
    void withPostgresTheHubGetsTheUrlAndThePasswordFromTheExistingSecretAndNoVolumeClaim() {
        ChartRendering rendering = ChartRendering.of("postgres.yaml");
        assertThat(at(hubConfig(rendering), "hub", "db", "url"))
                .isEqualTo("postgresql://hub@postgres.databases.svc:5432/notebookhub");
        Map<String, Object> password = env(rendering, "NBHUB_HUB_DB_PASSWORD").orElseThrow();
        assertThat(map(password, "valueFrom", "secretKeyRef")).containsEntry("name", "hub-db")
                .containsEntry("key", "db-password");
        assertThat(rendering.ofKind("PersistentVolumeClaim")).isEmpty();
        assertThat(dataVolume(rendering)).containsKey("emptyDir");
    }

    @Test
    void theDefaultKeepsTheEmbeddedStoreOnAVolumeClaimWithNoDatabasePassword() {
        ChartRendering rendering = ChartRendering.of("");
        assertThat(at(hubConfig(rendering), "hub", "db", "url")).isEqualTo("");
        assertThat(env(rendering, "NBHUB_HUB_DB_PASSWORD")).isEmpty();
        assertThat(rendering.ofKind("PersistentVolumeClaim")).hasSize(1);
        assertThat(at(dataVolume(rendering), "persistentVolumeClaim", "claimName")).isEqualTo("nbhub-hub-db");
    }

    @Test
    void postgresWithoutAUrlOrWithAPasswordInTheUrlIsRefusedNamingTheValue() {
        Helm.Result noUrl = Helm.run("template", "nbhub", Helm.chart().toString(), "--set", "hub.db.type=postgres");
        assertThat(noUrl.succeeded()).isFalse();
        assertThat(noUrl.stderr()).contains("hub.db.url is required when hub.db.type is postgres");

        Helm.Result withPassword = Helm.run(List.of("template", "nbhub", Helm.chart().toString(), "--set",
                "hub.db.type=postgres", "--set", "hub.db.url=postgresql://hub:secret@db:5432/hub"));
        assertThat(withPassword.succeeded()).isFalse();
        assertThat(withPassword.stderr()).contains("hub.db.url");
    }
}
