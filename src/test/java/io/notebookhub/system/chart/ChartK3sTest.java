package io.notebookhub.system.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Installs the chart into a real (k3s) cluster with the image built from hub/Dockerfile, logs in through
 * the proxy's NodePort with the dev form, and upgrades to check that generated secrets are kept.
 * Skipped where there is no Docker. {@code -Dnotebookhub.image=repo:tag} uses an existing image instead
 * of building one.
 */
@Testcontainers(disabledWithoutDocker = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartK3sTest {

    private static final Logger log = LoggerFactory.getLogger(ChartK3sTest.class);
    private static final int NODE_PORT = 30080;
    private static final String BUILT_IMAGE = "localhost/notebook-hub:k3s-test";

    @Container
    static final K3sContainer K3S = k3s();

    private static Path kubeconfig;
    private static KubernetesClient kubernetes;
    private static String image;

    private static K3sContainer k3s() {
        K3sContainer container = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.30.4-k3s1"));
        container.addExposedPorts(NODE_PORT);
        return container;
    }

    @BeforeAll
    static void installTheChart() throws Exception {
        image = hubImage();
        loadIntoK3s(image);
        kubeconfig = Files.createTempFile("k3s-kubeconfig", ".yaml");
        Files.writeString(kubeconfig, K3S.getKubeConfigYaml());
        kubernetes = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build();

        Helm.Result install = helm("upgrade", "--install", "--create-namespace");
        assertThat(install.succeeded()).as(install.describe()).isTrue();
    }

    @AfterAll
    static void closeTheClient() throws IOException {
        if (kubernetes != null) {
            kubernetes.close();
        }
        if (kubeconfig != null) {
            Files.deleteIfExists(kubeconfig);
        }
    }

    private static Helm.Result helm(String... verbAndFlags) {
        int colon = image.lastIndexOf(':');
        List<String> args = new ArrayList<>(List.of(verbAndFlags));
        args.addAll(List.of(ChartRendering.RELEASE, Helm.chart().toString(),
                "--namespace", ChartRendering.NAMESPACE, "--kubeconfig", kubeconfig.toString(),
                "--set", "hub.image.name=" + image.substring(0, colon),
                "--set", "hub.image.tag=" + image.substring(colon + 1),
                // Imported into containerd, never pulled.
                "--set", "hub.image.pullPolicy=Never",
                "--set", "proxy.service.type=NodePort",
                "--set", "proxy.service.nodePorts.http=" + NODE_PORT,
                "--set", "hub.db.pvc.storage=100Mi",
                "--set", "hub.resources.requests.cpu=50m",
                "--set", "proxy.resources.requests.cpu=50m",
                "--wait", "--timeout", "10m"));
        return Helm.run(args);
    }

    @Test
    @Order(1)
    void servesTheHubThroughTheProxyNodePort() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
                .untilAsserted(() -> assertThat(http.send(get("/hub/health"), HttpResponse.BodyHandlers.ofString())
                        .statusCode()).isEqualTo(200));
    }

    @Test
    @Order(2)
    void logsInWithTheDevelopmentForm() throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

        String xsrf = io.notebookhub.system.Browser.formXsrf(http.send(HttpRequest.newBuilder(uri("/hub/login"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(uri("/hub/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_xsrf=" + xsrf + "&username=alice&password=k3s-test"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
        assertThat(login.headers().allValues("Set-Cookie")).isNotEmpty();
        String location = login.headers().firstValue("Location").orElseThrow();
        assertThat(location).doesNotContain("/hub/login");

        // Follow the hub's redirects with the session cookie: a logged-in user never lands on the login page.
        HttpResponse<String> page = login;
        for (int hops = 0; hops < 5 && page.statusCode() / 100 == 3; hops++) {
            URI next = uri("/").resolve(page.headers().firstValue("Location").orElseThrow());
            assertThat(next.getPath()).doesNotStartWith("/hub/login");
            page = http.send(HttpRequest.newBuilder(next).GET().build(), HttpResponse.BodyHandlers.ofString());
        }
        assertThat(page.statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void keepsGeneratedSecretsAndReloadsProfilesOnUpgrade() {
        Map<String, String> before = secretData();

        Helm.Result upgrade = helm("upgrade", "--reuse-values", "--set", "profiles[0].slug=tiny",
                "--set", "profiles[0].display_name=Tiny");

        assertThat(upgrade.succeeded()).as(upgrade.describe()).isTrue();
        assertThat(secretData()).isEqualTo(before);
        assertThat(kubernetes.configMaps().inNamespace(ChartRendering.NAMESPACE).withName("nbhub-profiles").get()
                .getData().get("profiles.yaml")).contains("slug: tiny");
    }

    private static Map<String, String> secretData() {
        Secret secret = kubernetes.secrets().inNamespace(ChartRendering.NAMESPACE).withName("nbhub-secret").get();
        assertThat(secret).isNotNull();
        return secret.getData();
    }

    private static URI uri(String path) {
        return URI.create("http://" + K3S.getHost() + ":" + K3S.getMappedPort(NODE_PORT) + path);
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build();
    }

    /** The image under test: the one named by -Dnotebookhub.image, else built from hub/Dockerfile. */
    private static String hubImage() {
        String named = System.getProperty("notebookhub.image");
        DockerClient docker = DockerClientFactory.instance().client();
        if (named != null && !named.isBlank()) {
            try {
                docker.inspectImageCmd(named).exec();
            } catch (NotFoundException e) {
                log.info("pulling {}", named);
                try {
                    docker.pullImageCmd(named).start().awaitCompletion();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            }
            return named;
        }
        Path repo = Helm.repo();
        ImageFromDockerfile build = new ImageFromDockerfile(BUILT_IMAGE, false)
                .withDockerfilePath("hub/Dockerfile")
                .withFileFromPath("hub/Dockerfile", repo.resolve("hub/Dockerfile"))
                .withFileFromPath("pom.xml", repo.resolve("pom.xml"));
        for (String module : List.of("profiles", "proxy", "spawner", "culler", "hub")) {
            build = build.withFileFromPath(module + "/pom.xml", repo.resolve(module + "/pom.xml"));
            if (Files.isDirectory(repo.resolve(module + "/src/main"))) {
                build = build.withFileFromPath(module + "/src/main", repo.resolve(module + "/src/main"));
            }
        }
        log.info("building {} from hub/Dockerfile", BUILT_IMAGE);
        return build.get();
    }

    /** k3s runs its own containerd: hand it the image as a tarball instead of pushing to a registry. */
    private static void loadIntoK3s(String imageName) throws IOException, InterruptedException {
        int colon = imageName.lastIndexOf(':');
        Path tar = Files.createTempFile("notebook-hub-image", ".tar");
        try {
            try (InputStream saved = DockerClientFactory.instance().client()
                    .saveImageCmd(imageName.substring(0, colon)).withTag(imageName.substring(colon + 1)).exec()) {
                Files.copy(saved, tar, StandardCopyOption.REPLACE_EXISTING);
            }
            K3S.copyFileToContainer(MountableFile.forHostPath(tar), "/tmp/notebook-hub.tar");
            ExecResult imported = K3S.execInContainer("ctr", "-n", "k8s.io", "images", "import", "/tmp/notebook-hub.tar");
            assertThat(imported.getExitCode()).as(imported.getStderr()).isZero();
        } finally {
            Files.deleteIfExists(tar);
        }
    }
}
