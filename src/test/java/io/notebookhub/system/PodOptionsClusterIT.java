package io.notebookhub.system;

import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.HUB_INSTANCE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.IMAGE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.KUBECONFIG;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.STORAGE_CAPACITY;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.USER_NAMESPACES;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.USER_NAMESPACE_TEMPLATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.notebookhub.profiles.ProfileOverrides;
import io.notebookhub.profiles.ProfileOverridesYaml;
import io.notebookhub.profiles.ResolvedProfile;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnRequest;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.kubernetes.KubernetesSpawner;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;
import io.notebookhub.spawner.kubernetes.model.PodManifests;
import io.notebookhub.spawner.kubernetes.model.PvcManifests;
import io.notebookhub.system.kubernetes.ControlPlane;
import io.notebookhub.system.kubernetes.ProcessKubelet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pod options of profiles against the real Kubernetes API server ({@link ControlPlane}): every option's pod
 * (and claim) is accepted by a server-side dry run with strict field validation, so no field is silently dropped,
 * and a spawn with per-user namespaces runs its pod in the user's own namespace on {@link ProcessKubelet}, found
 * again by a second spawner's cluster-wide informer. The spawner is driven directly with an admin kubeconfig.
 */
class PodOptionsClusterIT {
    private static final String NAMESPACE = "hub";
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    @TempDir
    static Path temp;
    private static ControlPlane cluster;
    private static ProcessKubelet kubelet;
    private static KubernetesClient admin;
    private static Vertx vertx;
    private static HttpServer hubApi;

    @BeforeAll
    static void startTheCluster() throws Exception {
        // Pods run as uid 1000, which must be able to reach its home folder under this root-owned folder.
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        cluster = ControlPlane.start(temp.resolve("cluster"));
        admin = cluster.admin();
        kubelet = new ProcessKubelet(admin, temp.resolve("kubelet"))
                .addNode("cpu-1", Map.of("pool", "cpu"), Map.of("cpu", "16", "memory", "64Gi"), List.of())
                .start();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
                .build()).create();
        // What the options name must exist, as in a real cluster: admission refuses an unknown priority class
        // or service account.
        admin.resource(new PriorityClassBuilder().withNewMetadata().withName("notebooks-high").endMetadata()
                .withValue(1000).build()).create();
        admin.serviceAccounts().inNamespace(NAMESPACE).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("team-reader").endMetadata().build()).create();
        vertx = Vertx.vertx();
        // jupyterhub-singleuser asks the hub for its version before it listens, and exits when nothing answers.
        // Only the spawner is under test here, so the version answer stands in for the hub (other ITs run it).
        hubApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hubApi.createContext("/", exchange -> {
            byte[] body = "{\"version\": \"3.0.0\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-JupyterHub-Version", "3.0.0");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        hubApi.start();
    }

    @AfterAll
    static void stopTheCluster() throws Exception {
        try {
            if (hubApi != null) {
                hubApi.stop(0);
            }
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            if (kubelet != null) {
                kubelet.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    static Stream<Arguments> options() {
        return Stream.of(
                Arguments.of("init_containers", """
                        init_containers:
                          - {name: fetch, image: busybox:1.36, command: [sh, -c, "echo one"]}
                          - {name: chown, image: busybox:1.36, securityContext: {runAsUser: 0, runAsNonRoot: false}}
                        """),
                Arguments.of("extra_containers", """
                        extra_containers:
                          - {name: sidecar, image: busybox:1.36, args: [sleep, infinity],
                             resources: {limits: {cpu: 100m, memory: 64Mi}}}
                        """),
                Arguments.of("lifecycle_hooks", """
                        lifecycle_hooks:
                          postStart: {exec: {command: [sh, -c, "cp -rn /opt/skel/. ~"]}}
                          preStop: {sleep: {seconds: 2}}
                        """),
                Arguments.of("extra_pod_config", """
                        extra_pod_config:
                          dnsPolicy: None
                          dnsConfig: {nameservers: [10.0.0.10], searches: [notebooks.svc.cluster.local]}
                          securityContext: {supplementalGroups: [300]}
                          topologySpreadConstraints:
                            - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway}
                          enableServiceLinks: null
                        """),
                Arguments.of("extra_container_config", """
                        extra_container_config:
                          workingDir: /home/jovyan/work
                          envFrom: [{configMapRef: {name: team-settings, optional: true}}]
                          securityContext: {readOnlyRootFilesystem: true}
                        """),
                Arguments.of("image_pull_secrets", "image_pull_secrets: [team-registry]"),
                Arguments.of("priority_class_name", "priority_class_name: notebooks-high"),
                Arguments.of("scheduler_name", "scheduler_name: bin-packing"),
                Arguments.of("pod_affinity", """
                        pod_affinity:
                          preferred:
                            - weight: 50
                              podAffinityTerm: {topologyKey: kubernetes.io/hostname,
                                                labelSelector: {matchLabels: {team: a}}}
                        """),
                Arguments.of("pod_anti_affinity and node_affinity", """
                        node_affinity:
                          required: [{matchExpressions: [{key: pool, operator: In, values: [cpu]}]}]
                        pod_anti_affinity:
                          required: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {hog: "true"}}}]
                        """),
                Arguments.of("fs_group and fs_group_change_policy", "{fs_group: 2000, fs_group_change_policy: OnRootMismatch}"),
                Arguments.of("service_account and automount_service_account_token",
                        "{service_account: team-reader, automount_service_account_token: true}"),
                Arguments.of("storage static", "storage: {type: static, static: {pvc_name: home-nfs, sub_path: "
                        + "\"home/{username}\"}}"),
                Arguments.of("storage none", "storage: {type: none}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void theApiServerAcceptsThePodOfEachOptionKeepingEveryField(String option, String yaml) {
        assertAccepted(PodManifests.pod(alice(), profile(yaml), env(alice()), config()));
    }

    @Test
    void theApiServerAcceptsThePodWithEveryOptionAtOnceAndTheDynamicClaim() {
        StringBuilder all = new StringBuilder();
        // The block-style scenarios name distinct keys, so together they are one valid profile.
        options().map(a -> (String) a.get()[1]).filter(y -> !y.startsWith("{") && !y.startsWith("storage"))
                .forEach(y -> all.append(y).append('\n'));
        String yaml = all + """
                fs_group: 2000
                fs_group_change_policy: OnRootMismatch
                service_account: team-reader
                automount_service_account_token: true
                """;

        assertAccepted(PodManifests.pod(alice(), profile(yaml), env(alice()), config()));
        PersistentVolumeClaim claim = PvcManifests.pvc("alice", profile(yaml).storage(), config());
        PersistentVolumeClaim accepted = admin.persistentVolumeClaims().inNamespace(NAMESPACE).resource(claim)
                .dryRun().fieldValidation(Validation.STRICT).create();
        assertThat(accepted.getSpec().getResources().getRequests()).containsKey("storage");
    }

    @Test
    void theStrictDryRunRefusesAFieldTheApiServerWouldDrop() {
        Pod pod = PodManifests.pod(alice(), profile("{}"), env(alice()), config());
        pod.getSpec().setAdditionalProperty("dnsPolicyy", "None");

        assertThatThrownBy(() -> assertAccepted(pod)).isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("dnsPolicyy");
    }

    @Test
    void spawnsIntoTheUsersOwnNamespaceAndASecondSpawnerFindsThePodThere() throws Exception {
        KubernetesSpawnerConfig config = config().toBuilder().set(KUBECONFIG, cluster.adminKubeconfig().toString())
                .set(USER_NAMESPACES, true).set(USER_NAMESPACE_TEMPLATE, "nb-{username}").build();
        ServerId bob = ServerId.defaultServer("bob");
        ResolvedProfile profile = profile("""
                fs_group_change_policy: OnRootMismatch
                priority_class_name: notebooks-high
                extra_pod_config: {dnsPolicy: ClusterFirst}
                """);
        KubernetesSpawner spawner = KubernetesSpawner.create(vertx, config);
        KubernetesSpawner restarted = KubernetesSpawner.create(vertx, config);
        try {
            result(spawner.open());
            SpawnedServer server = withPodLogs(() -> result(spawner.start(new SpawnRequest(bob, env(bob), profile,
                    Duration.ofMinutes(3)), p -> { })));

            Namespace ns = admin.namespaces().withName("nb-bob").get();
            assertThat(ns.getMetadata().getLabels()).containsEntry("app.kubernetes.io/component", "singleuser-namespace")
                    .containsEntry("hub.jupyter.org/username", "bob")
                    .containsEntry("app.kubernetes.io/instance", config.hubInstance());
            Pod pod = admin.pods().inNamespace("nb-bob").withName("jupyter-bob").get();
            assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("notebooks-high");
            assertThat(pod.getSpec().getSecurityContext().getFsGroupChangePolicy()).isEqualTo("OnRootMismatch");
            assertThat(admin.persistentVolumeClaims().inNamespace("nb-bob").withName("claim-bob").get()).isNotNull();
            assertThat(admin.pods().inNamespace(NAMESPACE).list().getItems()).isEmpty();
            assertThat(server.state()).containsEntry("namespace", "nb-bob");
            assertThat(get(server.url() + "/user/bob/api").statusCode()).isEqualTo(200);

            // A restarted hub: its cluster-wide informer finds the pod in the user's namespace and adopts it.
            result(restarted.open());
            Map<ServerId, Future<SpawnedServer>> adopted = result(restarted.reconcile(Map.of(bob, server.state()),
                    Duration.ofMinutes(1)));
            assertThat(adopted).containsOnlyKeys(bob);
            assertThat(result(adopted.get(bob)).url()).isEqualTo(server.url());

            result(restarted.stop(bob, server.state()));
            assertThat(admin.pods().inNamespace("nb-bob").withName("jupyter-bob").get()).isNull();
            assertThat(admin.persistentVolumeClaims().inNamespace("nb-bob").withName("claim-bob").get())
                    .as("stopping keeps the home claim").isNotNull();
        } finally {
            spawner.close();
            restarted.close();
        }
    }

    /** Strict field validation turns a dropped (unknown) field into a refusal; the dry run keeps nothing. */
    @SuppressWarnings("unchecked")
    private static void assertAccepted(Pod pod) {
        Pod accepted = admin.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).dryRun()
                .fieldValidation(Validation.STRICT).create();
        Map<String, Object> sent = JSON.convertValue(pod.getSpec(), Map.class);
        Map<String, Object> kept = JSON.convertValue(accepted.getSpec(), Map.class);
        assertContained(sent, kept, "spec");
        assertThat(admin.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .get()).as("a dry run creates nothing").isNull();
    }

    /** Everything sent is in what the API server returned (which adds its defaults). */
    private static void assertContained(Object sent, Object kept, String path) {
        // Empty values are the same as absent ones to the API server, which omits them.
        if ((sent instanceof Map<?, ?> m && m.isEmpty()) || (sent instanceof List<?> l && l.isEmpty())
                || "".equals(sent)) {
            return;
        }
        if (sent instanceof Map<?, ?> s) {
            assertThat(kept).as(path).isInstanceOf(Map.class);
            s.forEach((k, v) -> assertContained(v, ((Map<?, ?>) kept).get(k), path + "." + k));
        } else if (sent instanceof List<?> s) {
            assertThat(kept).as(path).isInstanceOf(List.class);
            // The API server may add items (the service-account token's volume and mount).
            assertThat(((List<?>) kept).size()).as(path).isGreaterThanOrEqualTo(s.size());
            for (int i = 0; i < s.size(); i++) {
                assertContained(s.get(i), ((List<?>) kept).get(i), path + "[" + i + "]");
            }
        } else {
            assertThat(String.valueOf(kept)).as(path).isEqualTo(String.valueOf(sent));
        }
    }

    private static ServerId alice() {
        return ServerId.defaultServer("alice");
    }

    private static KubernetesSpawnerConfig config() {
        return KubernetesSpawnerConfig.builder().set(KubernetesSpawnerConfig.NAMESPACE, NAMESPACE)
                .set(IMAGE, "quay.io/jupyter/base-notebook:2024-10-07")
                .set(STORAGE_CAPACITY, "1Gi").set(HUB_INSTANCE, "pod-options-it").build();
    }

    private static ResolvedProfile profile(String yaml) {
        ProfileOverrides o = ProfileOverridesYaml.parse("profile.yaml", yaml);
        return new ResolvedProfile("team", "Team", Map.of(), o.image(), "100m", "1", "256Mi", "1Gi",
                o.extraResourceLimits(), o.tolerations(), o.nodeSelector(), o.nodeAffinity(), o.env(), o.volumes(),
                o.volumeMounts(), o.storage(), o.idleTimeout(), o.startTimeout(), null, o.pod());
    }

    /** JupyterHub's environment, with the API URL of the version answer. */
    private static Map<String, String> env(ServerId server) {
        String api = "http://127.0.0.1:" + (hubApi == null ? 9 : hubApi.getAddress().getPort()) + "/hub/api";
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JUPYTERHUB_API_TOKEN", "token-of-" + server.user());
        env.put("JUPYTERHUB_API_URL", api);
        env.put("JUPYTERHUB_CLIENT_ID", "jupyterhub-user-" + server.user());
        env.put("JUPYTERHUB_SERVICE_PREFIX", "/user/" + server.user() + "/");
        env.put("JUPYTERHUB_OAUTH_CALLBACK_URL", "/user/" + server.user() + "/oauth_callback");
        env.put("JUPYTERHUB_USER", server.user());
        env.put("JUPYTERHUB_SERVER_NAME", "");
        env.put("JUPYTERHUB_ACTIVITY_URL", api + "/users/" + server.user() + "/activity");
        return env;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    interface Step<T> {
        T run() throws Exception;
    }

    /** A failed spawn is explained by the notebook's own output, which the kubelet keeps per pod. */
    private static <T> T withPodLogs(Step<T> step) throws Exception {
        try {
            return step.run();
        } catch (Exception e) {
            StringBuilder logs = new StringBuilder();
            try (Stream<Path> files = Files.walk(temp.resolve("kubelet"))) {
                for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                    logs.append("--- ").append(f.getFileName()).append('\n').append(Files.readString(f));
                }
            }
            throw new AssertionError(e.getMessage() + "\n" + logs, e);
        }
    }

    private static <T> T result(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(4, TimeUnit.MINUTES);
    }
}
