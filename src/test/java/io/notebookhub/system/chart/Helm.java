package io.notebookhub.system.chart;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the helm binary the way CI installs it: {@code <repo>/.tools/bin/helm}, where the repository is
 * the system property {@code notebookhub.repo} or the nearest parent of the working directory holding
 * {@code chart/Chart.yaml}; {@code helm} on the PATH otherwise.
 */
public final class Helm {

    private static final Logger log = LoggerFactory.getLogger(Helm.class);
    /** Generous: two cores are shared by several builds, and a k3s install waits for pods. */
    private static final long DEFAULT_TIMEOUT_SECONDS = 600;

    public record Result(int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }

        public String describe() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    private Helm() {
    }

    static Path repo() {
        String property = System.getProperty("notebookhub.repo");
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("chart/Chart.yaml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no folder holding chart/Chart.yaml above " + dir
                + "; set -Dnotebookhub.repo=<repository root>");
    }

    public static Path chart() {
        return repo().resolve("chart");
    }

    static String binary() {
        Path tool = repo().resolve(".tools/bin/helm");
        return Files.isExecutable(tool) ? tool.toString() : "helm";
    }

    public static Result run(String... args) {
        return run(List.of(args));
    }

    static Result run(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(binary());
        command.addAll(args);
        log.debug("running {}", command);
        try {
            Process process = new ProcessBuilder(command)
                    .directory(repo().toFile())
                    .start();
            // Read both streams concurrently so a large rendering cannot fill a pipe and stall helm.
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            if (!process.waitFor(DEFAULT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("helm did not finish in " + DEFAULT_TIMEOUT_SECONDS + " s: " + command);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static String read(java.io.InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A kubeconfig that points helm at fabric8's mock API server, for charts that {@code lookup} what an earlier
     * install left (Secrets, ConfigMaps) under {@code template --dry-run=server}. helm maps "v1 Secret" to its REST
     * path through core discovery before it looks the object up, so discovery is answered too.
     */
    static Path kubeconfigForMockCluster(KubernetesMockServer server, KubernetesClient client, Path dir)
            throws IOException {
        String coreResources = Serialization.asJson(new APIResourceListBuilder().withGroupVersion("v1")
                .withResources(new APIResourceBuilder().withName("secrets").withSingularName("secret")
                                .withKind("Secret").withNamespaced(true).withVerbs("get", "list").build(),
                        new APIResourceBuilder().withName("configmaps").withSingularName("configmap")
                                .withKind("ConfigMap").withNamespaced(true).withVerbs("get", "list").build())
                .build());
        for (String path : List.of("/api/v1", "/api/v1?timeout=32s")) {
            server.expect().get().withPath(path).andReturn(200, coreResources).always();
        }
        Path kubeconfig = dir.resolve("kubeconfig.yaml");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s"}}]
                contexts: [{name: mock, context: {cluster: mock, user: test}}]
                current-context: mock
                users: [{name: test, user: {token: test-token}}]
                """.formatted(client.getMasterUrl().toString()));
        return kubeconfig;
    }
}
