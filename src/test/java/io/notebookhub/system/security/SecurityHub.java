package io.notebookhub.system.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.notebookhub.system.Browser;
import io.notebookhub.system.HubProcess;
import java.io.IOException;
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

/**
 * The hub the security suite attacks, started once from the jar for every attack class (see
 * {@link SecurityHubExtension}): the dev login, {@code admin} as an admin user, and two users, {@code alice} and
 * {@code bob}, each with a real jupyterhub-singleuser server. The proxy's API token is known, so an attack can add a
 * route to a server of its own, as a user who controls her notebook server's code effectively has.
 */
public final class SecurityHub extends HubProcess {
    public static final String PROXY_TOKEN = "security-suite-proxy-token-0123456789";
    static final List<String> USERS_WITH_SERVERS = List.of("alice", "bob");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SecurityHub(Path dataDir) throws IOException {
        super(dataDir, List.of());
        adminUsers("admin");
        env.put("NBHUB_PROXY_AUTH_TOKEN", PROXY_TOKEN);
        // Attack routes added through the proxy's API must stay until the attack is over.
        env.put("NBHUB_PROXY_CHECK_ROUTES_INTERVAL", "3600");
        env.put("NBHUB_CULLER_ENABLED", "false");
        // Short slow-client timeouts, so SlowlorisIT sees connections closed within seconds.
        for (String listener : List.of("HUB", "PROXY")) {
            env.put("NBHUB_" + listener + "_HEADERS_TIMEOUT", "2");
            env.put("NBHUB_" + listener + "_REQUEST_TIMEOUT", "4");
        }
    }

    @Override
    public SecurityHub start() throws IOException {
        super.start();
        for (String user : USERS_WITH_SERVERS) {
            admin("POST", "/hub/api/users/" + user, null);
            stopServerOnClose(user);
            HttpResponse<String> r = admin("POST", "/hub/api/users/" + user + "/server", "{}");
            assertThat(r.statusCode()).as(r.body()).isIn(201, 202);
        }
        for (String user : USERS_WITH_SERVERS) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> defaultServer(user).path("ready").asBoolean());
        }
        return this;
    }

    public HttpResponse<String> admin(String method, String path, String body) throws IOException {
        return call(method, path, body, ADMIN_TOKEN);
    }

    /** A new browser, logged in as {@code user} through the dev login form. */
    public Browser browser(String user) throws Exception {
        Browser b = new Browser(baseUrl());
        HttpResponse<String> r = b.login(user);
        assertThat(r.uri().getPath()).as(r.body()).isEqualTo("/hub/home");
        return b;
    }

    /** An API token of {@code user} with all their permissions, made with the admin token. */
    public String tokenOf(String user) throws IOException {
        HttpResponse<String> r = admin("POST", "/hub/api/users/" + user + "/tokens", "{\"note\": \"security\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).get("token").asText();
    }

    /** {@code GET /hub/api/user} with exactly these headers, as a replaying attacker would send it. */
    public int whoamiStatus(Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + "/hub/api/user"))
                .timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Adds a proxy route {@code /user/<user>} to a server of the attacker's own, through the proxy's API. */
    public void routeToAttackerServer(String user, int port) throws Exception {
        String apiPort = env.get("NBHUB_PROXY_API_PORT");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort
                        + "/api/routes/user/" + user))
                .header("Authorization", "token " + PROXY_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"target\": \"http://127.0.0.1:" + port + "\", \"user\": \""
                        + user + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** The environment a user's running server process was started with, read from {@code /proc}. */
    public Map<String, String> serverEnvironment(String user) throws Exception {
        String pid = defaultServer(user).path("state").path("pid").asText();
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

    public JsonNode adminJson(String path) throws IOException {
        HttpResponse<String> r = admin("GET", path, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
