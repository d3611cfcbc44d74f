package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process culler against a real notebook server: a server nobody uses is culled with its reason
 * recorded, its folder stays, and when its owner starts again the file written before is still there.
 */
class CullerIT {
    @TempDir
    Path temp;

    private static JsonNode server(HubProcess hub, String user) throws Exception {
        return HubApi.adminGet(hub, "/hub/api/users/" + user + "?include_stopped_servers=true").path("servers").path("");
    }

    @Test
    void anIdleServerIsCulledAndItsFilesAreThereWhenItsOwnerStartsAgain() throws Exception {
        HubProcess hub = new HubProcess(temp.resolve("data"), List.of());
        hub.env.put("NBHUB_CULLER_TIMEOUT", "6");
        hub.env.put("NBHUB_CULLER_EVERY", "2");
        hub.env.put("NBHUB_HUB_PROFILES_DIR", HubProcess.repo().resolve("src/test/resources/profiles-culler").toString());
        try (hub) {
            hub.start();
            Browser frank = new Browser(hub.baseUrl());
            frank.login("frank");
            assertThat(HubApi.call(hub, "POST", "/hub/api/users/frank/server", "{}", HubProcess.ADMIN_TOKEN)
                    .statusCode()).isIn(201, 202);
            await().atMost(Duration.ofSeconds(90)).until(() -> server(hub, "frank").path("ready").asBoolean());

            assertThat(frank.get("/user/frank/tree").statusCode()).isEqualTo(200);
            HttpResponse<String> saved = frank.client.send(HttpRequest.newBuilder(
                    URI.create(hub.baseUrl() + "/user/frank/api/contents/notes.txt"))
                    .header("X-XSRFToken", frank.cookie("_xsrf")).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(
                            "{\"type\": \"file\", \"format\": \"text\", \"content\": \"written before the cull\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(saved.statusCode()).as(saved.body()).isIn(200, 201);

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> server(hub, "frank").path("stopped").asBoolean());
            assertThat(server(hub, "frank").path("stop_reason").asText()).startsWith("idle ").contains("profile quick");
            assertThat(hub.dataDir.resolve("users/frank/notes.txt")).hasContent("written before the cull");
            String metrics = HubApi.call(hub, "GET", "/hub/metrics", null, HubProcess.ADMIN_TOKEN).body();
            assertThat(metrics).containsPattern("notebookhub_culls_total\\{profile=\"quick\",?\\} 1\\.0");

            assertThat(HubApi.call(hub, "POST", "/hub/api/users/frank/server", "{}", HubProcess.ADMIN_TOKEN)
                    .statusCode()).isIn(201, 202);
            await().atMost(Duration.ofSeconds(90)).until(() -> server(hub, "frank").path("ready").asBoolean());
            assertThat(frank.get("/user/frank/tree").statusCode()).isEqualTo(200);
            HttpResponse<String> file = frank.get("/user/frank/api/contents/notes.txt?content=1");
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(HubApi.JSON.readTree(file.body()).path("content").asText()).isEqualTo("written before the cull");
            HubApi.call(hub, "DELETE", "/hub/api/users/frank/server", null, HubProcess.ADMIN_TOKEN);
        }
    }
}
