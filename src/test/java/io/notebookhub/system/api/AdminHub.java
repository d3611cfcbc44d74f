package io.notebookhub.system.api;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built jar run as an operator runs it, for the admin-API system tests (this package cannot reach the
 * package-private {@code HubProcess}): free loopback ports, its own data folder, the admin token, and
 * {@code admin} as a configured admin user. Users' servers are real jupyterhub-singleuser processes.
 */
final class AdminHub implements AutoCloseable {
    static final String ADMIN_TOKEN = "admin-api-system-test-token-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    final Path dataDir;
    final int proxyPort;
    final int hubPort;
    private final Map<String, String> env = new HashMap<>();
    private final List<String> startedServers = new ArrayList<>();
    private Process process;
    private Path log;

    AdminHub(Path dataDir) throws IOException {
        this.dataDir = dataDir;
        this.proxyPort = freePort();
        this.hubPort = freePort();
        env.put("NBHUB_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("NBHUB_HUB_DATA_DIR", dataDir.toString());
        env.put("NBHUB_HUB_PORT", Integer.toString(hubPort));
        env.put("NBHUB_PROXY_PORT", Integer.toString(proxyPort));
        env.put("NBHUB_PROXY_API_PORT", Integer.toString(freePort()));
        env.put("NBHUB_HUB_PROFILES_DIR", repo().resolve("profiles").toString());
        env.put("NBHUB_HUB_ADMIN_USERS", "admin");
    }

    /** Runs the hub with an external proxy at {@code apiUrl}; the API is then called on the hub's own port. */
    AdminHub externalProxy(String apiUrl, String authToken) {
        env.put("NBHUB_PROXY_MODE", "external");
        env.put("NBHUB_PROXY_API_URL", apiUrl);
        env.put("NBHUB_PROXY_AUTH_TOKEN", authToken);
        external = true;
        return this;
    }

    private boolean external;

    static Path jar() {
        return Path.of(System.getProperty("notebookhub.jar", repo().resolve("hub/target/notebook-hub.jar").toString()));
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freeLoopbackPort() throws IOException {
        return freePort();
    }

    static Path repo() {
        return Path.of(System.getProperty("notebookhub.repo", "..")).toAbsolutePath().normalize();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + (external ? hubPort : proxyPort);
    }

    AdminHub start() throws IOException {
        Files.createDirectories(dataDir);
        log = dataDir.resolveSibling(dataDir.getFileName() + "-hub.log");
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-jar", jar().toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("NBHUB_"));
        pb.environment().putAll(env);
        process = pb.start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(this::healthy);
        return this;
    }

    private boolean healthy() {
        if (!process.isAlive()) {
            throw new IllegalStateException("hub exited with " + process.exitValue() + ":\n" + logText());
        }
        try {
            return call("GET", "/hub/health", null, null).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    String logText() {
        try {
            return log == null ? "" : Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    HttpResponse<String> call(String method, String path, String body, String token) throws IOException {
        return call(method, path, body, token, Map.of());
    }

    HttpResponse<String> call(String method, String path, String body, String token, Map<String, String> headers)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "token " + token);
        }
        headers.forEach(b::header);
        try {
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    HttpResponse<String> admin(String method, String path, String body) throws IOException {
        return call(method, path, body, ADMIN_TOKEN);
    }

    JsonNode adminJson(String method, String path, String body, int expectedStatus) throws IOException {
        HttpResponse<String> r = admin(method, path, body);
        if (r.statusCode() != expectedStatus) {
            throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    }

    /** A token for {@code user} with exactly these scopes, made with the admin token. */
    String tokenFor(String user, String... scopes) throws IOException {
        String body = JSON.createObjectNode().put("note", "system test")
                .set("scopes", JSON.valueToTree(List.of(scopes))).toString();
        return adminJson("POST", "/hub/api/users/" + user + "/tokens", body, 201).path("token").asText();
    }

    /** Starts a user's default server and waits until it runs; stopped again when the hub is closed. */
    void startServer(String user) throws IOException {
        startedServers.add(user);
        HttpResponse<String> r = admin("POST", "/hub/api/users/" + user + "/server", "{}");
        if (r.statusCode() != 201 && r.statusCode() != 202) {
            throw new AssertionError("start " + user + ": " + r.statusCode() + " " + r.body() + "\n" + logText());
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                adminJson("GET", "/hub/api/users/" + user, null, 200).path("servers").path("").path("ready")
                        .asBoolean());
    }

    @Override
    public void close() throws Exception {
        if (process == null || !process.isAlive()) {
            return;
        }
        for (String user : startedServers) {
            admin("DELETE", "/hub/api/users/" + user + "/server", null);
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
