package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.notebookhub.system.browser.HeadlessChrome;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * What a stock single-user server needs from the hub, run against each server we support (one subclass each):
 * OAuth into the server, a kernel over WebSocket, the server's activity reports, the culler reading its kernels,
 * named servers, refusing another user, the hub's logo, and the hub links in the server's UI (Control Panel, logout).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SingleUserServerContract {
    private static final Pattern ACTIVITY_OK = Pattern.compile(
            "notebookhub_api_request_duration_seconds_count\\{[^}]*route=\"/hub/api/users/:name/activity\"[^}]*"
                    + "status=\"2xx\"[^}]*} [1-9]");
    private static final Pattern ACTIVITY_REFUSED = Pattern.compile(
            "notebookhub_api_request_duration_seconds_count\\{[^}]*route=\"/hub/api/users/:name/activity\"[^}]*"
                    + "status=\"[45]xx\"");

    Path temp;
    HubProcess hub;
    Browser alice;

    abstract SingleUserServer server();

    /** Follows the server UI's link to the hub's Control Panel; the browser then shows it (in any tab). */
    abstract void openControlPanelFromTheServer(HeadlessChrome chrome) throws Exception;

    /** Logs out the way the server's UI offers. */
    abstract void logOutFromTheServer(HeadlessChrome chrome) throws Exception;

    /** The logo URL the server's own page uses for the hub's logo. */
    abstract String hubLogoLinkedFrom(String serverPage);

    /** A hub for this server whose servers report activity every 2 seconds (JupyterHub's default is 5 minutes). */
    HubProcess newHub(Path data, String... extraConfig) throws Exception {
        Path config = data.resolveSibling(data.getFileName() + "-config.yaml");
        Files.createDirectories(data);
        Files.writeString(config, "spawner:\n  local:\n    environment:\n      JUPYTERHUB_ACTIVITY_INTERVAL: \"2\"\n"
                + String.join("\n", extraConfig));
        HubProcess h = new HubProcess(data, List.of("--config", config.toString())).singleUser(server());
        // The server's command is started by its absolute path: it needs no activated environment or PATH entry.
        h.env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        return h;
    }

    @BeforeAll
    void startHub(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
        temp = dir;
        hub = newHub(temp.resolve("data")).start();
        hub.stopServerOnClose("alice");
        alice = new Browser(hub.baseUrl());
        alice.login("alice");
    }

    @AfterAll
    void stopHub() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    String ui(String user) {
        return "/user/" + user + "/" + server().ui;
    }

    static void awaitReady(HubProcess h, String user, String server) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                HubApi.adminGet(h, "/hub/api/users/" + user).path("servers").path(server).path("ready").asBoolean());
    }

    @Test
    @Order(1)
    void theOwnerGetsInThroughTheHubsOAuthAndRunsCodeInAKernelOverWebSocket() throws Exception {
        HttpResponse<String> started = hub.call("POST", "/hub/api/users/alice/server", "{}", HubProcess.ADMIN_TOKEN);
        assertThat(started.statusCode()).as(started.body()).isIn(201, 202);
        awaitReady(hub, "alice", "");

        HttpResponse<String> page = alice.get("/user/alice/");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.uri().getPath()).isIn(ui("alice"), ui("alice") + "/");
        HttpResponse<String> status = alice.get("/user/alice/api/status");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(HubApi.JSON.readTree(status.body()).has("kernels")).isTrue();
        try (KernelSession kernel = KernelSession.open(alice, hub.baseUrl(), "/user/alice/")) {
            assertThat(kernel.execute("6*7", Duration.ofSeconds(60))).isEqualTo("42");
        }
    }

    @Test
    @Order(2)
    void theServerReportsItsActivityAndTheHubAcceptsIt() throws Exception {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                ACTIVITY_OK.matcher(hub.call("GET", "/hub/metrics", null, HubProcess.ADMIN_TOKEN).body()).find());
        String metrics = hub.call("GET", "/hub/metrics", null, HubProcess.ADMIN_TOKEN).body();
        assertThat(ACTIVITY_REFUSED.matcher(metrics).find()).as("no activity report was refused:\n" + metrics).isFalse();
        assertThat(HubApi.adminGet(hub, "/hub/api/users/alice").path("servers").path("").path("last_activity")
                .asText()).isNotEmpty();
    }

    @Test
    @Order(3)
    void anotherUserIsRefusedByTheServer() throws Exception {
        Browser bob = new Browser(hub.baseUrl());
        bob.login("bob");
        HttpResponse<String> page = bob.get(ui("alice"));
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(bob.get("/user/alice/api/status").statusCode()).isEqualTo(403);
        assertThat(bob.get("/user/alice/api/contents").statusCode()).isEqualTo(403);
    }

    @Test
    @Order(4)
    void aNamedServerRunsAtItsOwnPrefixWithItsOwnOAuthClient() throws Exception {
        HttpResponse<String> started = hub.call("POST", "/hub/api/users/alice/servers/second", "{}",
                HubProcess.ADMIN_TOKEN);
        assertThat(started.statusCode()).as(started.body()).isIn(201, 202);
        try {
            awaitReady(hub, "alice", "second");
            HttpResponse<String> page = alice.get("/user/alice/second/");
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            assertThat(page.uri().getPath()).startsWith("/user/alice/second/" + server().ui);
            assertThat(alice.cookie("jupyterhub-user-alice-second")).as("the named server's own cookie").isNotNull();
            try (KernelSession kernel = KernelSession.open(alice, hub.baseUrl(), "/user/alice/second/")) {
                assertThat(kernel.execute("'second'.upper()", Duration.ofSeconds(60))).isEqualTo("'SECOND'");
            }
        } finally {
            hub.call("DELETE", "/hub/api/users/alice/servers/second", "{\"remove\": true}", HubProcess.ADMIN_TOKEN);
        }
    }

    @Test
    @Order(5)
    void theHubsLogoIsServedWhereTheServersPagesLinkIt() throws Exception {
        String link = hubLogoLinkedFrom(alice.get(ui("alice")).body());
        assertThat(link).isEqualTo("/hub/logo");
        HttpResponse<String> logo = alice.get(link);
        assertThat(logo.statusCode()).isEqualTo(200);
        assertThat(logo.headers().firstValue("Content-Type")).hasValue("image/svg+xml");
        assertThat(logo.body()).contains("<svg");
    }

    @Test
    @Order(6)
    void theServersUiLinksToTheHubsControlPanelAndLogsOutOfTheHub() throws Exception {
        try (HeadlessChrome chrome = new HeadlessChrome()) {
            chrome.devLogin(hub.baseUrl(), "alice");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/"));
            chrome.get(hub.baseUrl() + ui("alice"));
            openControlPanelFromTheServer(chrome);
            chrome.get(hub.baseUrl() + ui("alice"));
            logOutFromTheServer(chrome);
            chrome.confirmLogoutIfAsked();
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/login"));
            chrome.get(hub.baseUrl() + ui("alice"));
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/login"));
            chrome.get(hub.baseUrl() + "/hub/home");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/login"));
        }
    }

    @Test
    @Order(7)
    void theCullerReadsTheServersKernelsAndKeepsItWhileAKernelIsBusy() throws Exception {
        try (HubProcess culling = newHub(temp.resolve("culling"), "culler:\n  timeout: 6\n  every: 2\n")) {
            culling.profilesDir(HubProcess.repo().resolve("src/test/resources/profiles-culler"));
            culling.start();
            Browser erin = new Browser(culling.baseUrl());
            erin.login("erin");
            assertThat(culling.call("POST", "/hub/api/users/erin/server", "{}", HubProcess.ADMIN_TOKEN).statusCode())
                    .isIn(201, 202);
            awaitReady(culling, "erin", "");
            assertThat(erin.get(ui("erin")).statusCode()).isEqualTo(200);
            try (KernelSession kernel = KernelSession.openWatched(erin, culling.baseUrl(), "/user/erin/")) {
                CompletableFuture<String> busy = CompletableFuture.supplyAsync(() -> {
                    try {
                        return kernel.execute("import time; time.sleep(24); 6*7", Duration.ofSeconds(60));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                // Nothing passes through the proxy while the kernel sleeps: only its busy state keeps the server.
                String result;
                try {
                    result = busy.get(90, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    // The hub's log says whether the culler stopped the server under the kernel, or why not.
                    throw new AssertionError(e.getCause().getMessage() + "; hub log:\n" + culling.logText(), e);
                }
                assertThat(result).isEqualTo("42");
                JsonNode server = HubApi.adminGet(culling, "/hub/api/users/erin?include_stopped_servers=true")
                        .path("servers").path("");
                assertThat(server.path("ready").asBoolean()).as("kept while busy: " + server).isTrue();
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> HubApi.adminGet(
                    culling, "/hub/api/users/erin?include_stopped_servers=true").path("servers").path("")
                    .path("stopped").asBoolean());
        }
    }
}
