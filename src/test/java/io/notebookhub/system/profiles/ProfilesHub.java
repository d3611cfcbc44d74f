package io.notebookhub.system.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The built jar started on free loopback ports with a writable copy of one of the test profile folders
 * ({@code src/test/resources/profiles-*}), an admin token, and {@code admin} as an admin user of the dev login.
 * It is its own small launcher because the shared system-test helpers are package-private to their package.
 */
final class ProfilesHub implements AutoCloseable {
    static final String ADMIN_TOKEN = "profiles-test-admin-token-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern XSRF = Pattern.compile("name=\"_xsrf\" value=\"([0-9a-f]+)\"");

    final Path profilesDir;
    final Path dataDir;
    final int proxyPort;
    private final Path log;
    private final Process process;
    private final List<String> startedServers = new ArrayList<>();

    private ProfilesHub(Path profilesDir, Path dataDir, Map<String, String> extraEnv) throws IOException {
        this.profilesDir = profilesDir;
        this.dataDir = dataDir;
        this.proxyPort = freePort();
        Files.createDirectories(dataDir);
        log = dataDir.resolveSibling(dataDir.getFileName() + "-hub.log");
        Map<String, String> env = new HashMap<>();
        env.put("NBHUB_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("NBHUB_HUB_DATA_DIR", dataDir.toString());
        env.put("NBHUB_HUB_PORT", Integer.toString(freePort()));
        env.put("NBHUB_PROXY_PORT", Integer.toString(proxyPort));
        env.put("NBHUB_PROXY_API_PORT", Integer.toString(freePort()));
        env.put("NBHUB_HUB_PROFILES_DIR", profilesDir.toString());
        env.put("NBHUB_HUB_ADMIN_USERS", "admin");
        env.putAll(extraEnv);
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-jar", jar().toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("NBHUB_"));
        pb.environment().putAll(env);
        process = pb.start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(this::healthy);
    }

    /** Copies {@code src/test/resources/<folder>} to {@code temp/profiles} (the hub writes there) and starts a hub. */
    static ProfilesHub start(Path temp, String folder) throws IOException {
        return start(temp, folder, Map.of());
    }

    static ProfilesHub start(Path temp, String folder, Map<String, String> extraEnv) throws IOException {
        Path copy = temp.resolve("profiles");
        if (folder != null) {
            copyFolder(resource(folder), copy);
        }
        return new ProfilesHub(copy, temp.resolve("data"), extraEnv);
    }

    static Path resource(String folder) {
        URL url = ProfilesHub.class.getResource("/" + folder);
        assertThat(url).as("test resource folder %s", folder).isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName().toString()));
            }
        }
    }

    private static Path jar() {
        String repo = System.getProperty("notebookhub.repo", "..");
        return Path.of(System.getProperty("notebookhub.jar",
                Path.of(repo).resolve("hub/target/notebook-hub.jar").toString())).toAbsolutePath();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + proxyPort;
    }

    private boolean healthy() {
        if (!process.isAlive()) {
            throw new IllegalStateException("hub exited with " + process.exitValue() + ":\n" + logText());
        }
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/hub/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
        return call(method, path, body, token, "application/json");
    }

    HttpResponse<String> call(String method, String path, String body, String token, String contentType)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("Authorization", "token " + token);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode adminGet(String path) throws Exception {
        HttpResponse<String> r = call("GET", path, null, ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Creates the user (if needed) and an API token of theirs, as they would from the token page. */
    String tokenOf(String user) throws Exception {
        call("POST", "/hub/api/users/" + user, null, ADMIN_TOKEN);
        HttpResponse<String> r = call("POST", "/hub/api/users/" + user + "/tokens", "{\"note\": \"profiles test\"}",
                ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).get("token").asText();
    }

    /** POST /hub/api/users/{user}/server with JupyterHub user options, as the user. */
    HttpResponse<String> spawn(String user, String token, String userOptionsJson) throws Exception {
        HttpResponse<String> r = call("POST", "/hub/api/users/" + user + "/server", userOptionsJson, token);
        if (r.statusCode() == 201 || r.statusCode() == 202) {
            startedServers.add(user);
        }
        return r;
    }

    JsonNode awaitReady(String user) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode s = adminGet("/hub/api/users/" + user).path("servers").path("");
            assertThat(s.path("stopped").asBoolean(false)).as("server of %s failed: %s", user, s).isFalse();
            return s.path("ready").asBoolean();
        });
        try {
            return adminGet("/hub/api/users/" + user).path("servers").path("");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The environment the user's running server process was started with, read from {@code /proc} (the local
     * spawner passes the resolved profile's env and CPU_LIMIT/MEM_LIMIT to the process).
     */
    Map<String, String> serverEnvironment(String user) throws Exception {
        String pid = adminGet("/hub/api/users/" + user).path("servers").path("").path("state").path("pid").asText();
        assertThat(pid).as("the server's pid in its state").isNotEmpty();
        Map<String, String> env = new HashMap<>();
        for (String entry : Files.readString(Path.of("/proc", pid, "environ")).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    void stopServer(String user) throws Exception {
        HttpResponse<String> r = call("DELETE", "/hub/api/users/" + user + "/server", null, ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isIn(202, 204);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
                adminGet("/hub/api/users/" + user).path("servers").path("").path("ready").asBoolean(false) == false);
        startedServers.remove(user);
    }

    /** A cookie-keeping client logged in through the dev login form, like a browser without JavaScript. */
    Session login(String user) throws Exception {
        Session s = new Session();
        HttpResponse<String> r = s.postForm("/hub/login", "username=" + enc(user) + "&password=pw");
        assertThat(r.uri().getPath()).as(r.body()).isEqualTo("/hub/home");
        return s;
    }

    final class Session {
        private final HttpClient client = HttpClient.newBuilder()
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> get(String path) throws Exception {
            return client.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(60))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> postForm(String path, String form) throws Exception {
            return client.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        }

        /** Submits the spawn form with the page's XSRF token and the given fields. */
        HttpResponse<String> submitSpawnForm(Map<String, String> fields) throws Exception {
            HttpResponse<String> page = get("/hub/spawn");
            Matcher xsrf = XSRF.matcher(page.body());
            assertThat(xsrf.find()).as("spawn form carries an XSRF token").isTrue();
            StringBuilder form = new StringBuilder("_xsrf=" + xsrf.group(1));
            fields.forEach((k, v) -> form.append('&').append(enc(k)).append('=').append(enc(v)));
            return postForm("/hub/spawn", form.toString());
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    void writeProfileFile(String name, String text) {
        try {
            Files.writeString(profilesDir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value of a Prometheus counter (0 when it was never incremented). */
    double metric(String name) throws Exception {
        HttpResponse<String> r = call("GET", "/hub/metrics", null, ADMIN_TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Override
    public void close() throws Exception {
        for (String user : List.copyOf(startedServers)) {
            try {
                stopServer(user);
            } catch (Exception | AssertionError e) {
                // Best effort, so that one failed stop does not hide the test's own failure.
            }
        }
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
