package io.notebookhub.spawner.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubernetesSpawnerConfigTest {

    @Test
    void defaultsMatchWhatZeroToJupyterHubUsersExpect() {
        KubernetesSpawnerConfig c = KubernetesSpawnerConfig.defaults("jhub");

        assertThat(c.port()).isEqualTo(8888);
        assertThat(c.cmd()).containsExactly("jupyterhub-singleuser");
        assertThat(c.uid()).isEqualTo(1000);
        assertThat(c.fsGroup()).isEqualTo(100);
        assertThat(c.homeMountPath()).isEqualTo("/home/jovyan");
        assertThat(c.storageCapacity()).isEqualTo("10Gi");
        assertThat(c.storageAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(c.automountServiceAccountToken()).isFalse();
        assertThat(c.deletePvcOnUserDelete()).isFalse();
        assertThat(c.terminationGracePeriod()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void readsTheYamlBlockWithItsKeyNames() {
        KubernetesSpawnerConfig c = KubernetesSpawnerConfig.fromMap(Map.of("namespace", "jhub", "port", 9999,
                "terminationGracePeriod", "5s", "informerSyncTimeout", "PT2M", "imagePullSecrets", List.of("a"),
                "deletePvcOnUserDelete", "true", "extraLabels", Map.of("team", "ml")));

        assertThat(c.namespace()).isEqualTo("jhub");
        assertThat(c.port()).isEqualTo(9999);
        assertThat(c.terminationGracePeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.informerSyncTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.imagePullSecrets()).containsExactly("a");
        assertThat(c.deletePvcOnUserDelete()).isTrue();
        assertThat(c.extraLabels()).containsEntry("team", "ml");
    }

    @Test
    void refusesBadValuesNamingTheKey() {
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("namespace", "Not_A_Namespace")))
                .hasMessageContaining("kubernetes.namespace");
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("uid", 0)))
                .hasMessageContaining("kubernetes.uid").hasMessageContaining("non-root");
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("storageCapacity", "lots")))
                .hasMessageContaining("kubernetes.storageCapacity");
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("port", "eighty")))
                .hasMessageContaining("kubernetes.port");
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("imagePullPolicy", "Sometimes")))
                .hasMessageContaining("kubernetes.imagePullPolicy");
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("storageAccessModes", List.of("RWX"))))
                .hasMessageContaining("kubernetes.storageAccessModes");
    }

    @Test
    void refusesUnknownKeysSoTyposDoNotFallBackToDefaults() {
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("namepsace", "jhub")))
                .hasMessageContaining("kubernetes.namepsace is not a known key");
    }
}
