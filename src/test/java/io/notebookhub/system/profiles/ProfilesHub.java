package io.notebookhub.system.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.notebookhub.system.HubProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@link HubProcess} with a writable copy of one of the test profile folders ({@code src/test/resources/profiles-*})
 * and {@code admin} as an admin user of the dev login, plus the calls the profile tests make.
 */
final class ProfilesHub extends HubProcess {
    private static final Pattern XSRF = Pattern.compile("name=\"_xsrf\" value=\"([0-9a-f]+)\"");

    final Path profilesDir;

    private ProfilesHub(Path profilesDir, Path dataDir, Map<String, String> extraEnv) throws IOException {
        super(dataDir, List.of());
        this.profilesDir = profilesDir;
        profilesDir(profilesDir);
        adminUsers("admin");
        env.putAll(extraEnv);
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
        ProfilesHub hub = new ProfilesHub(copy, temp.resolve("data"), extraEnv);
        hub.start();
        return hub;
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

    /** API calls with a body send it as JSON. */
    @Override
    public HttpResponse<String> call(String method, String path, String body, String token) throws IOException {
        return call(method, path, body, token, "application/json");
    }

    HttpResponse<String> call(String method, String path, String body, String token, String contentType)
            throws IOException {
        return call(method, path, body, token, body == null ? Map.of() : Map.of("Content-Type", contentType));
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
            stopServerOnClose(user);
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
        Map<String, String> environment = new HashMap<>();
        for (String entry : Files.readString(Path.of("/proc", pid, "environ")).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                environment.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return environment;
    }

    void stopServer(String user) throws Exception {
        HttpResponse<String> r = call("DELETE", "/hub/api/users/" + user + "/server", null, ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isIn(202, 204);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
                !defaultServer(user).path("ready").asBoolean(false));
        serverStopped(user);
    }

    /** A cookie-keeping client logged in through the dev login form, like a browser without JavaScript. */
    Session login(String user) throws Exception {
        Session s = new Session();
        String xsrf = io.notebookhub.system.Browser.formXsrf(s.get("/hub/login").body());
        HttpResponse<String> r = s.postForm("/hub/login", "_xsrf=" + xsrf + "&username=" + enc(user) + "&password=pw");
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
}
