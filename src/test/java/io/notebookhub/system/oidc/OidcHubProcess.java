package io.notebookhub.system.oidc;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The built hub jar in its own process on free loopback ports, configured by NBHUB_* variables. */
final class OidcHubProcess implements AutoCloseable {
    static final String ADMIN_TOKEN = "oidc-system-test-admin-token-0123456789";

    final int proxyPort;
    final Map<String, String> env = new HashMap<>();
    private final Path log;
    private Process process;

    OidcHubProcess(Path dataDir) throws IOException {
        this.proxyPort = freePort();
        this.log = dataDir.resolveSibling(dataDir.getFileName() + "-hub.log");
        Files.createDirectories(dataDir);
        env.put("NBHUB_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("NBHUB_HUB_DATA_DIR", dataDir.toString());
        env.put("NBHUB_HUB_PORT", Integer.toString(freePort()));
        env.put("NBHUB_PROXY_PORT", Integer.toString(proxyPort));
        env.put("NBHUB_PROXY_API_PORT", Integer.toString(freePort()));
        env.put("NBHUB_HUB_PROFILES_DIR", repo().resolve("profiles").toString());
    }

    static Path repo() {
        return Path.of(System.getProperty("notebookhub.repo", "..")).toAbsolutePath().normalize();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + proxyPort;
    }

    OidcHubProcess start() throws IOException {
        Path jar = Path.of(System.getProperty("notebookhub.jar", repo().resolve("hub/target/notebook-hub.jar").toString()));
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString())).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("NBHUB_"));
        pb.environment().putAll(env);
        process = pb.start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("hub exited:\n" + logText());
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/hub/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return this;
    }

    HttpResponse<String> admin(String method, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Authorization", "token " + ADMIN_TOKEN).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
