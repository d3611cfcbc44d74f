package io.notebookhub.system.api;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.notebookhub.system.HubProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The hub as an operator runs it, for the admin-API system tests: {@link HubProcess} with {@code admin} as a
 * configured admin user, plus the admin-token calls these tests make. Users' servers are real
 * jupyterhub-singleuser processes; those started here are stopped when the hub is closed.
 */
final class AdminHub extends HubProcess {

    AdminHub(Path dataDir) throws IOException {
        super(dataDir, List.of());
        adminUsers("admin");
    }

    @Override
    public AdminHub start() throws IOException {
        super.start();
        return this;
    }

    @Override
    public AdminHub externalProxy(String apiUrl, String authToken) {
        super.externalProxy(apiUrl, authToken);
        return this;
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
        stopServerOnClose(user);
        HttpResponse<String> r = admin("POST", "/hub/api/users/" + user + "/server", "{}");
        if (r.statusCode() != 201 && r.statusCode() != 202) {
            throw new AssertionError("start " + user + ": " + r.statusCode() + " " + r.body() + "\n" + logText());
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> defaultServer(user).path("ready").asBoolean());
    }
}
