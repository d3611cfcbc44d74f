package io.notebookhub.spawner.kubernetes;

import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.INFORMER_SYNC_TIMEOUT;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.NAMESPACE;
import static io.notebookhub.spawner.kubernetes.SpawnerFlows.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.notebookhub.profiles.Storage;
import io.notebookhub.spawner.kubernetes.model.PvcManifests;
import io.notebookhub.spawner.kubernetes.ops.ApiCalls;
import io.vertx.core.Vertx;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Expectations mode: the only way to make the API answer 429 and 500 on cue, which a real API server does not do on
 * demand. A real refusal (RBAC's 403) is shown against the real API server in the system tests
 * ({@code ChartOnRealClusterIT}).
 */
@EnableKubernetesMockClient
class ApiCallsTest {
    private static final String PVCS = "/api/v1/namespaces/test/persistentvolumeclaims";

    KubernetesMockServer server;

    private Vertx vertx;
    private KubernetesClient client;
    private ApiCalls api;
    private final KubernetesSpawnerConfig config = KubernetesSpawnerConfig.builder().set(NAMESPACE, "test")
            .set(INFORMER_SYNC_TIMEOUT, Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        // The client's own retry loop is off, as in KubernetesSpawner.create, so each answer is seen here.
        Config base = server.createClient().getConfiguration();
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base).withRequestRetryBackoffLimit(0)
                .build()).build();
        api = new ApiCalls(vertx, "test-api", 2, Duration.ofSeconds(30));
    }

    @AfterEach
    void tearDown() {
        api.close();
        client.close();
        join(vertx.close());
    }

    @Test
    void retriesTooManyRequestsAndServerErrorsUntilTheCallSucceeds() {
        PersistentVolumeClaim pvc = PvcManifests.pvc("alice", Storage.DEFAULTS, config);
        server.expect().post().withPath(PVCS).andReturn(429, status(429, "TooManyRequests")).once();
        server.expect().post().withPath(PVCS).andReturn(500, status(500, "InternalError")).once();
        server.expect().post().withPath(PVCS).andReturn(503, status(503, "ServiceUnavailable")).once();
        server.expect().post().withPath(PVCS).andReturn(201, pvc).once();

        PersistentVolumeClaim created = join(api.call("create PVC",
                () -> client.persistentVolumeClaims().inNamespace("test").resource(pvc).create()));

        assertThat(created.getMetadata().getName()).isEqualTo("claim-alice");
        assertThat(api.retries()).isEqualTo(3);
        assertThat(api.calls()).isEqualTo(4);
    }

    @Test
    void doesNotRetryARefusal() {
        PersistentVolumeClaim pvc = PvcManifests.pvc("alice", Storage.DEFAULTS, config);
        server.expect().post().withPath(PVCS).andReturn(403, status(403, "Forbidden")).always();

        assertThatThrownBy(() -> join(api.call("create PVC",
                () -> client.persistentVolumeClaims().inNamespace("test").resource(pvc).create())))
                .isInstanceOf(KubernetesClientException.class);
        assertThat(api.calls()).isEqualTo(1);
        assertThat(api.retries()).isZero();
    }

    @Test
    void givesUpOnTransientErrorsAfterTheRetryTimeout() {
        // Long enough for a second try even when the first call alone takes most of a second on a loaded machine.
        ApiCalls impatient = new ApiCalls(vertx, "test-impatient", 1, Duration.ofSeconds(3));
        PersistentVolumeClaim pvc = PvcManifests.pvc("alice", Storage.DEFAULTS, config);
        server.expect().post().withPath(PVCS).andReturn(500, status(500, "InternalError")).always();

        assertThatThrownBy(() -> join(impatient.call("create PVC",
                () -> client.persistentVolumeClaims().inNamespace("test").resource(pvc).create())))
                .isInstanceOf(KubernetesClientException.class);
        assertThat(impatient.calls()).isGreaterThan(1);
        impatient.close();
    }

    @Test
    void treatsTimeoutsAsTransient() {
        assertThat(ApiCalls.isTransient(new KubernetesClientException("wrapped", new SocketTimeoutException())))
                .isTrue();
        assertThat(ApiCalls.isTransient(new KubernetesClientException("Conflict", 409, null))).isFalse();
    }

    private static io.fabric8.kubernetes.api.model.Status status(int code, String reason) {
        return new StatusBuilder().withCode(code).withReason(reason).withMessage(reason).build();
    }
}
