package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default, end to end: the built jar, the dev login form, the local-process spawner running the
 * real jupyterhub-singleuser, our proxy, a real kernel over WebSocket, and a hub restart in the middle.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedHubIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern XSRF = Pattern.compile("name=\"_xsrf\" value=\"([0-9a-f]+)\"");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path temp;
    static HubProcess hub;
    static Browser alice;
    static String aliceToken;

    @BeforeAll
    static void startHub() throws Exception {
        hub = new HubProcess(temp.resolve("data"), List.of()).start();
        alice = new Browser(hub.baseUrl());
    }

    @AfterAll
    static void stopHub() throws Exception {
        if (hub != null) {
            api("DELETE", "/hub/api/users/alice/server", null, HubProcess.ADMIN_TOKEN);
            hub.stop();
        }
    }

    static HttpResponse<String> api(String method, String path, String body, String token) throws Exception {
        return HubApi.call(hub, method, path, body, token);
    }

    static JsonNode adminGet(String path) throws Exception {
        return HubApi.adminGet(hub, path);
    }

    @Test
    @Order(1)
    void aliceLogsInSpawnsTheDefaultProfileAndRunsCodeInAKernelThroughTheProxy() throws Exception {
        HttpResponse<String> login = alice.login("alice");
        assertThat(login.uri().getPath()).isEqualTo("/hub/home");

        HttpResponse<String> spawnPage = alice.get("/hub/spawn");
        assertThat(spawnPage.statusCode()).isEqualTo(200);
        assertThat(spawnPage.body()).contains("Small CPU").contains("checked");
        Matcher xsrf = XSRF.matcher(spawnPage.body());
        assertThat(xsrf.find()).as("spawn form carries an XSRF token").isTrue();

        HttpResponse<String> pending = alice.postForm("/hub/spawn", "_xsrf=" + xsrf.group(1));
        assertThat(pending.statusCode()).as(pending.body()).isEqualTo(200);
        assertThat(pending.uri().getPath()).isEqualTo("/hub/spawn-pending/alice");

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                adminGet("/hub/api/users/alice").path("servers").path("").path("ready").asBoolean());

        HttpResponse<String> tree = alice.get("/user/alice/tree");
        assertThat(tree.statusCode()).isEqualTo(200);
        assertThat(tree.uri().getPath()).isEqualTo("/user/alice/tree");

        HttpResponse<String> status = alice.get("/user/alice/api/status");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(status.body()).has("kernels")).isTrue();

        try (KernelSession kernel = KernelSession.open(alice, hub.baseUrl(), "/user/alice/")) {
            assertThat(kernel.execute("6*7", Duration.ofSeconds(60))).isEqualTo("42");
        }
    }

    @Test
    @Order(2)
    void bobIsRefusedAccessToAlicesServer() throws Exception {
        Browser bob = new Browser(hub.baseUrl());
        bob.login("bob");
        HttpResponse<String> tree = bob.get("/user/alice/tree");
        assertThat(tree.statusCode()).isEqualTo(403);
        assertThat(tree.body()).doesNotContain("Select or create a notebook");
        HttpResponse<String> status = bob.get("/user/alice/api/status");
        assertThat(status.statusCode()).isEqualTo(403);
    }

    @Test
    @Order(3)
    void anAnonymousBrowserIsSentToTheLoginPage() throws Exception {
        HttpResponse<String> r = new Browser(hub.baseUrl()).get("/user/alice/tree");
        assertThat(r.uri().getPath()).isEqualTo("/hub/login");
        assertThat(r.body()).contains("for development only");
    }

    @Test
    @Order(4)
    void forgedOrMissingTokensGet403FromTheRestApi() throws Exception {
        HttpResponse<String> missing = api("GET", "/hub/api/users", null, null);
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(missing.body()).path("status").asInt()).isEqualTo(403);
        HttpResponse<String> forged = api("GET", "/hub/api/users", null, "0123456789abcdef0123456789abcdef");
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> admin = api("GET", "/hub/api/users", null, HubProcess.ADMIN_TOKEN);
        assertThat(admin.statusCode()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void badInputGetsClearJsonErrorsAndNeverAPathOutsideTheDataFolder() throws Exception {
        HttpResponse<String> unknown = api("GET", "/hub/api/users/nobody", null, HubProcess.ADMIN_TOKEN);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("message").asText()).contains("nobody");

        HttpResponse<String> badJson = api("POST", "/hub/api/users", "{\"usernames\": [", HubProcess.ADMIN_TOKEN);
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badJson.body()).path("status").asInt()).isEqualTo(400);

        for (String name : List.of("a/b", "..", "../../etc", "with space", "x".repeat(300))) {
            HttpResponse<String> bulk = api("POST", "/hub/api/users",
                    JSON.writeValueAsString(java.util.Map.of("usernames", List.of(name))), HubProcess.ADMIN_TOKEN);
            assertThat(bulk.statusCode()).as(name).isEqualTo(400);
            assertThat(JSON.readTree(bulk.body()).path("message").asText()).as(name).startsWith("Invalid username");

            HttpResponse<String> form = new Browser(hub.baseUrl()).login(name);
            assertThat(form.statusCode()).as(name).isEqualTo(400);
            assertThat(form.body()).contains("Invalid username");
        }
        HttpResponse<String> encodedSlash = api("POST", "/hub/api/users/"
                + URLEncoder.encode("../evil", StandardCharsets.UTF_8), null, HubProcess.ADMIN_TOKEN);
        assertThat(encodedSlash.statusCode()).isIn(400, 404);
        try (var paths = Files.list(hub.dataDir.resolve("users"))) {
            // alice's home, the server logs and the local spawner's key for its markers: nothing a bad name made.
            assertThat(paths.map(p -> p.getFileName().toString())).containsOnly("alice", ".logs", ".marker-key");
        }
        assertThat(Files.exists(temp.resolve("evil"))).isFalse();
    }

    @Test
    @Order(6)
    void aHubRestartKeepsAlicesServerRoutedAndHerTokenWorking() throws Exception {
        HttpResponse<String> created = api("POST", "/hub/api/users/alice/tokens", "{\"note\": \"restart test\"}",
                HubProcess.ADMIN_TOKEN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        aliceToken = JSON.readTree(created.body()).get("token").asText();
        String pidBefore = adminGet("/hub/api/users/alice").path("servers").path("").path("state").path("pid").asText();

        hub.stop();
        hub.start();

        JsonNode after = adminGet("/hub/api/users/alice").path("servers").path("");
        assertThat(after.path("ready").asBoolean()).isTrue();
        assertThat(after.path("state").path("pid").asText()).isEqualTo(pidBefore);
        HttpResponse<String> status = alice.get("/user/alice/api/status");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.uri().getPath()).isEqualTo("/user/alice/api/status");

        HttpResponse<String> whoami = api("GET", "/hub/api/user", null, aliceToken);
        assertThat(whoami.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(whoami.body()).path("name").asText()).isEqualTo("alice");
    }
}
