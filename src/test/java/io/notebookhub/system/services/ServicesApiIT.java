package io.notebookhub.system.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.notebookhub.system.HubApi;
import io.notebookhub.system.HubProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /hub/api/services[/name]} and {@code POST /hub/api/shutdown} with JupyterHub's shapes, status codes and
 * scopes, called with the admin's, a user's and a service's own tokens.
 */
class ServicesApiIT {
    private static final String EXT_TOKEN = "external-service-token-0123456789";

    @TempDir
    Path temp;

    private HubProcess hub() throws Exception {
        return ServicesHub.hub(temp, """
                hub:
                  services:
                    - name: ext
                      url: http://127.0.0.1:9
                      api_token: %s
                      display: false
                      info: {owner: ops, docs: "https://example.org/ext"}
                    - name: sleeper
                      command: [%s, -c, "import time; time.sleep(3600)"]
                  load_roles:
                    - name: ext-self
                      scopes: ["read:services!service=ext", "list:services!service=ext"]
                      services: [ext]
                """.formatted(EXT_TOKEN, ServicesHub.python()));
    }

    private static String userToken(HubProcess hub, String user) throws Exception {
        assertThat(hub.call("POST", "/hub/api/users", "{\"usernames\": [\"" + user + "\"]}", HubProcess.ADMIN_TOKEN)
                .statusCode()).isIn(201, 409);
        HttpResponse<String> issued = hub.call("POST", "/hub/api/users/" + user + "/tokens", "{}", HubProcess.ADMIN_TOKEN);
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        return HubApi.JSON.readTree(issued.body()).path("token").asText();
    }

    @Test
    void listsAndShowsServicesAsJupyterHubDoesToThoseWhoseScopesAllowIt() throws Exception {
        try (HubProcess hub = hub()) {
            hub.start();
            long pid = ServicesHub.awaitPid(hub, "sleeper", 0);
            JsonNode all = HubApi.adminGet(hub, "/hub/api/services");
            assertThat(all.fieldNames()).toIterable().containsExactly("ext", "sleeper");
            assertThat(all.path("ext")).isEqualTo(HubApi.JSON.readTree("""
                    {"kind": "service", "name": "ext", "roles": ["ext-self"], "admin": false,
                     "url": "http://127.0.0.1:9", "prefix": "/services/ext/", "command": [], "pid": 0,
                     "info": {"owner": "ops", "docs": "https://example.org/ext"}, "display": false}"""));
            assertThat(all.path("sleeper").path("pid").asLong()).isEqualTo(pid);
            assertThat(all.path("sleeper").path("prefix").asText()).isEmpty();
            assertThat(hub.call("GET", "/hub/api/services/nope", null, HubProcess.ADMIN_TOKEN).statusCode())
                    .isEqualTo(404);

            String alice = userToken(hub, "alice");
            assertThat(hub.call("GET", "/hub/api/services", null, alice).statusCode()).isEqualTo(403);
            assertThat(hub.call("GET", "/hub/api/services/ext", null, alice).statusCode()).isEqualTo(403);

            JsonNode whoami = HubApi.JSON.readTree(hub.call("GET", "/hub/api/user", null, EXT_TOKEN).body());
            assertThat(whoami.path("kind").asText()).isEqualTo("service");
            assertThat(whoami.path("name").asText()).isEqualTo("ext");
            assertThat(whoami.path("roles").toString()).isEqualTo("[\"ext-self\"]");
            assertThat(whoami.path("scopes").toString()).contains("read:services!service=ext");
            HttpResponse<String> own = hub.call("GET", "/hub/api/services", null, EXT_TOKEN);
            assertThat(own.statusCode()).isEqualTo(200);
            assertThat(HubApi.JSON.readTree(own.body()).fieldNames()).toIterable().containsExactly("ext");
            assertThat(hub.call("GET", "/hub/api/services/ext", null, EXT_TOKEN).statusCode()).isEqualTo(200);
            assertThat(hub.call("GET", "/hub/api/services/sleeper", null, EXT_TOKEN).statusCode())
                    .as("held only for another service: 404, learning nothing").isEqualTo(404);
            assertThat(hub.call("GET", "/hub/api/users", null, EXT_TOKEN).statusCode()).isEqualTo(403);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode route = HubApi.adminGet(hub, "/hub/api/proxy").path("/services/ext/");
                assertThat(route.path("target").asText()).isEqualTo("http://127.0.0.1:9");
                assertThat(route.path("data").path("service").asText()).isEqualTo("ext");
            });
        }
    }

    @Test
    void shutdownIsForAdminsAnswers202AndEndsTheHubLeavingServersRunningWhenAsked() throws Exception {
        try (HubProcess hub = hub()) {
            hub.start();
            long sleeper = ServicesHub.awaitPid(hub, "sleeper", 0);
            String alice = userToken(hub, "alice");
            assertThat(hub.call("POST", "/hub/api/shutdown", "{}", alice).statusCode()).isEqualTo(403);
            assertThat(hub.call("POST", "/hub/api/shutdown", "{}", EXT_TOKEN).statusCode()).isEqualTo(403);
            HttpResponse<String> bad = hub.call("POST", "/hub/api/shutdown", "{\"servers\": \"yes\"}", HubProcess.ADMIN_TOKEN);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("servers must be true or false");
            assertThat(hub.isRunning()).isTrue();

            assertThat(hub.call("POST", "/hub/api/users/alice/server", "{}", HubProcess.ADMIN_TOKEN).statusCode())
                    .isIn(201, 202);
            ServicesHub.awaitReady(hub, "alice");
            long server = HubApi.adminGet(hub, "/hub/api/users/alice").path("servers").path("").path("state")
                    .path("pid").asLong();
            assertThat(server).isPositive();
            try {
                HttpResponse<String> accepted = hub.call("POST", "/hub/api/shutdown",
                        "{\"servers\": false, \"proxy\": true}", HubProcess.ADMIN_TOKEN);
                assertThat(accepted.statusCode()).isEqualTo(202);
                assertThat(HubApi.JSON.readTree(accepted.body()).path("message").asText()).isEqualTo("Shutting down Hub");
                await().atMost(Duration.ofSeconds(30)).until(() -> !hub.isRunning());
                assertThat(ServicesHub.alive(server)).as("servers: false leaves alice's server running").isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> !ServicesHub.alive(sleeper));
            } finally {
                ProcessHandle.of(server).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void shutdownWithServersStopsEveryUsersServerFirst() throws Exception {
        try (HubProcess hub = hub()) {
            hub.start();
            userToken(hub, "bob");
            assertThat(hub.call("POST", "/hub/api/users/bob/server", "{}", HubProcess.ADMIN_TOKEN).statusCode())
                    .isIn(201, 202);
            ServicesHub.awaitReady(hub, "bob");
            long server = HubApi.adminGet(hub, "/hub/api/users/bob").path("servers").path("").path("state")
                    .path("pid").asLong();
            try {
                assertThat(hub.call("POST", "/hub/api/shutdown", "{\"servers\": true}", HubProcess.ADMIN_TOKEN)
                        .statusCode()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(60)).until(() -> !hub.isRunning());
                assertThat(ServicesHub.alive(server)).isFalse();
            } finally {
                ProcessHandle.of(server).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
