package io.notebookhub.system.api;

import static io.notebookhub.system.api.AdminHub.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers through the REST API with real jupyterhub-singleuser processes behind the proxy: filter-scoped access,
 * progress as Server-Sent Events read to the end, named servers and their removal, the culler's listing.
 */
class ServersApiIT {
    @TempDir
    static Path temp;
    static AdminHub hub;

    @BeforeAll
    static void start() throws Exception {
        hub = new AdminHub(temp.resolve("data")).start();
        hub.adminJson("POST", "/hub/api/users", "{\"usernames\": [\"alice\", \"bob\", \"carol\", \"admin\"]}", 201);
        hub.startServer("alice");
        hub.startServer("bob");
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aTokenScopedToAlicesServersReachesHersThroughTheProxyButNotBobs() throws Exception {
        // The admin could reach every server; this token is narrowed to alice's.
        String onlyAlice = hub.tokenFor("admin", "access:servers!user=alice");
        HttpResponse<String> hers = hub.call("GET", "/user/alice/api/status", null, onlyAlice);
        assertThat(hers.statusCode()).as(hers.body()).isEqualTo(200);
        assertThat(JSON.readTree(hers.body()).has("kernels")).isTrue();
        HttpResponse<String> his = hub.call("GET", "/user/bob/api/status", null, onlyAlice);
        assertThat(his.statusCode()).isEqualTo(403);

        String everyone = hub.tokenFor("admin", "access:servers");
        assertThat(hub.call("GET", "/user/bob/api/status", null, everyone).statusCode()).isEqualTo(200);
    }

    @Test
    void aUserMayStopTheirOwnServerButNotSomeoneElsesAndReadOnlyTokensMayNotStop() throws Exception {
        String alice = hub.tokenFor("alice", "inherit");
        assertThat(hub.call("DELETE", "/hub/api/users/bob/server", null, alice).statusCode()).isEqualTo(404);
        assertThat(hub.call("POST", "/hub/api/users/bob/server", "{}", alice).statusCode()).isEqualTo(404);
        String readOnly = hub.tokenFor("alice", "read:servers!user=alice");
        HttpResponse<String> refused = hub.call("DELETE", "/hub/api/users/alice/server", null, readOnly);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).path("message").asText()).contains("delete:servers");
        assertThat(hub.adminJson("GET", "/hub/api/users/alice", null, 200).path("servers").path("").path("ready")
                .asBoolean()).isTrue();
    }

    @Test
    void startingARunningServerOrAMissingUsersServerIsRefused() throws Exception {
        assertThat(hub.admin("POST", "/hub/api/users/alice/server", "{}").statusCode()).isEqualTo(400);
        assertThat(hub.admin("POST", "/hub/api/users/nobody/server", "{}").statusCode()).isEqualTo(404);
        assertThat(hub.admin("POST", "/hub/api/users/alice/server", "{\"profile\": \"no-such-profile\"}")
                .statusCode()).isEqualTo(400);
        assertThat(hub.admin("DELETE", "/hub/api/users/carol/server", null).statusCode()).isEqualTo(204);
        assertThat(hub.admin("DELETE", "/hub/api/users/carol/servers/never", null).statusCode()).isEqualTo(404);
    }

    @Test
    void theCullersReadyListingShowsExactlyTheUsersWithRunningServers() throws Exception {
        List<String> ready = new ArrayList<>();
        hub.adminJson("GET", "/hub/api/users?state=ready", null, 200).forEach(u -> ready.add(u.path("name").asText()));
        assertThat(ready).contains("alice", "bob").doesNotContain("carol", "admin");
        JsonNode alice = hub.adminJson("GET", "/hub/api/users/alice", null, 200);
        assertThat(alice.path("server").asText()).isEqualTo("/user/alice/");
        assertThat(alice.path("servers").path("").path("state").isObject()).as("the admin sees spawner state").isTrue();
        String metrics = hub.admin("GET", "/hub/metrics", null).body();
        assertThat(metrics).contains("notebookhub_spawns_total").contains("notebookhub_spawn_duration_seconds_bucket")
                .contains("notebookhub_running_servers");
    }

    @Test
    void progressOfANamedServerStreamsAsServerSentEventsToTheReadyEvent() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> starting = client.sendAsync(HttpRequest.newBuilder(
                        URI.create(hub.baseUrl() + "/hub/api/users/carol/servers/lab"))
                .header("Authorization", "token " + AdminHub.ADMIN_TOKEN).timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(30)).until(() -> hub.adminJson("GET",
                "/hub/api/users/carol?include_stopped_servers", null, 200).path("servers").has("lab"));

        HttpResponse<Stream<String>> stream = client.send(HttpRequest.newBuilder(
                        URI.create(hub.baseUrl() + "/hub/api/users/carol/servers/lab/progress"))
                .header("Authorization", "token " + AdminHub.ADMIN_TOKEN).timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).get().asString().startsWith("text/event-stream");
        List<JsonNode> events = new ArrayList<>();
        stream.body().filter(l -> l.startsWith("data: ")).forEach(l -> {
            try {
                events.add(JSON.readTree(l.substring(6)));
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        });
        // The stream ended by itself after the last event.
        assertThat(events).isNotEmpty();
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.path("ready").asBoolean()).as(events.toString()).isTrue();
        assertThat(last.path("url").asText()).isEqualTo("/user/carol/lab/");
        int previous = -1;
        for (JsonNode e : events) {
            assertThat(e.path("progress").asInt()).isGreaterThanOrEqualTo(previous);
            previous = e.path("progress").asInt();
        }
        assertThat(starting.get().statusCode()).isIn(201, 202);

        String carol = hub.tokenFor("carol", "inherit");
        assertThat(hub.call("GET", "/user/carol/lab/api/status", null, carol).statusCode()).isEqualTo(200);

        // Stopped without remove: the named server is remembered, shown only with include_stopped_servers.
        assertThat(hub.admin("DELETE", "/hub/api/users/carol/servers/lab", null).statusCode()).isIn(202, 204);
        await().atMost(Duration.ofSeconds(60)).until(() -> !hub.adminJson("GET", "/hub/api/users/carol", null, 200)
                .path("servers").has("lab"));
        JsonNode stopped = hub.adminJson("GET", "/hub/api/users/carol?include_stopped_servers", null, 200);
        assertThat(stopped.path("servers").path("lab").path("stopped").asBoolean()).isTrue();

        HttpResponse<String> removed = hub.admin("DELETE", "/hub/api/users/carol/servers/lab", "{\"remove\": true}");
        assertThat(removed.statusCode()).isIn(202, 204);
        await().atMost(Duration.ofSeconds(30)).until(() -> !hub.adminJson("GET",
                "/hub/api/users/carol?include_stopped_servers", null, 200).path("servers").has("lab"));
    }
}
