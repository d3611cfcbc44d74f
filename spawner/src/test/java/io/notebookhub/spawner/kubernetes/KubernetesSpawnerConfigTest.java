package io.notebookhub.spawner.kubernetes;

import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.FAIL_ON_UNSCHEDULABLE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.USER_NAMESPACE_TEMPLATE;
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
                "termination_grace_period", "5s", "informer_sync_timeout", "PT2M", "image_pull_secrets", List.of("a"),
                "delete_pvc_on_user_delete", "true", "extra_labels", Map.of("team", "ml"), "api_retry_timeout", "1m30s"));

        assertThat(c.namespace()).isEqualTo("jhub");
        assertThat(c.port()).isEqualTo(9999);
        assertThat(c.terminationGracePeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.informerSyncTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.imagePullSecrets()).containsExactly("a");
        assertThat(c.deletePvcOnUserDelete()).isTrue();
        assertThat(c.extraLabels()).containsEntry("team", "ml");
        assertThat(c.apiRetryTimeout()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void aSettingWithoutAnAccessorIsReadByItsDeclaration() {
        KubernetesSpawnerConfig c = KubernetesSpawnerConfig.fromMap(Map.of("fail_on_unschedulable", true));

        assertThat(c.get(FAIL_ON_UNSCHEDULABLE)).isTrue();
        assertThat(KubernetesSpawnerConfig.defaults("jhub").get(FAIL_ON_UNSCHEDULABLE))
                .isFalse();
    }

    @Test
    void refusesBadValuesNamingTheKey() {
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("namespace", "Not_A_Namespace")))
                .hasMessageContaining("kubernetes.namespace");
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("uid", 0)))
                .hasMessageContaining("kubernetes.uid").hasMessageContaining("non-root");
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("storage", Map.of("capacity", "lots"))))
                .hasMessageContaining("kubernetes.storage.capacity");
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("port", "eighty")))
                .hasMessageContaining("kubernetes.port");
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("image_pull_policy", "Sometimes")))
                .hasMessageContaining("kubernetes.image_pull_policy");
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("storage", Map.of("access_modes",
                List.of("RWX"))))).hasMessageContaining("kubernetes.storage.access_modes");
        assertThatThrownBy(() -> KubernetesSpawnerConfig.builder()
                .set(USER_NAMESPACE_TEMPLATE, "{hubnamespace}").build())
                .hasMessageContaining("kubernetes.user_namespaces.template");
    }

    @Test
    void refusesUnknownKeysSoTyposDoNotFallBackToDefaults() {
        assertThatThrownBy(() -> KubernetesSpawnerConfig.fromMap(Map.of("namepsace", "jhub")))
                .hasMessageContaining("unknown key 'kubernetes.namepsace' (did you mean 'kubernetes.namespace'?)");
    }
}
