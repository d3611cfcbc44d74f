package io.notebookhub.system.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.notebookhub.system.Browser;
import io.notebookhub.system.HubProcess;
import io.notebookhub.system.SingleUserServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A hub with {@code alice}'s server running (a real jupyterhub-singleuser) and two more users, {@code bob} and
 * {@code carol}. The servers are started with {@code --HubOAuth.cache_max_age=1}, as README advises where a revoked
 * share must stop an open notebook tab within a second: by default jupyterhub-singleuser reuses the hub's answer
 * about a browser's token for five minutes (and 0 means "for ever" to it, not "never").
 */
final class SharingHub extends HubProcess {
    /** How long the servers reuse the hub's answer about a browser's token (jupyterhub-singleuser's cache). */
    static final int SERVER_CACHE_SECONDS = 1;

    SharingHub(Path dataDir, SingleUserServer server) throws IOException {
        super(dataDir, List.of());
        env.put("NBHUB_SPAWNER_LOCAL_COMMAND", server.command() + ",--HubOAuth.cache_max_age=" + SERVER_CACHE_SECONDS);
        env.put("NBHUB_CULLER_ENABLED", "false");
    }

    @Override
    public SharingHub start() throws IOException {
        super.start();
        for (String user : List.of("alice", "bob", "carol")) {
            assertThat(admin("POST", "/hub/api/users/" + user, null).statusCode()).isEqualTo(201);
        }
        stopServerOnClose("alice");
        HttpResponse<String> r = admin("POST", "/hub/api/users/alice/server", "{}");
        assertThat(r.statusCode()).as(r.body()).isIn(201, 202);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> defaultServer("alice").path("ready").asBoolean());
        return this;
    }

    HttpResponse<String> admin(String method, String path, String body) throws IOException {
        return call(method, path, body, ADMIN_TOKEN);
    }

    /** An API token of {@code user} with all their permissions (as the token page makes them). */
    String tokenOf(String user) throws IOException {
        HttpResponse<String> r = admin("POST", "/hub/api/users/" + user + "/tokens", "{\"note\": \"sharing\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).get("token").asText();
    }

    Browser browser(String user) throws Exception {
        Browser b = new Browser(baseUrl());
        HttpResponse<String> r = b.login(user);
        assertThat(r.uri().getPath()).as(r.body()).isEqualTo("/hub/home");
        return b;
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }
}
