package io.notebookhub.system.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.notebookhub.system.HubProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A hub for the spawn crash tests: {@link HubProcess} (embedded proxy, local spawner, real
 * jupyterhub-singleuser) with the calls these tests make. {@link #close()} kills every notebook process of the
 * hub, whatever the test left, so a failed test leaves nothing running.
 */
final class SpawnCrashHub extends HubProcess {
    static final Duration SETTLE = Duration.ofSeconds(180);

    /** What a server came to after a restart. */
    enum Outcome { RUNNING, STOPPED }

    SpawnCrashHub(Path dataDir) throws IOException {
        super(dataDir, List.of());
    }

    @Override
    public SpawnCrashHub start() throws IOException {
        super.start();
        return this;
    }

    void createUsers(List<String> names) throws IOException {
        HttpResponse<String> r = call("POST", "/hub/api/users",
                JSON.createObjectNode().set("usernames", JSON.valueToTree(names)).toString(), ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** Asks for the user's server without waiting for the answer (the hub may be killed before it answers). */
    CompletableFuture<Void> requestServer(String user) {
        return CompletableFuture.runAsync(() -> {
            try {
                call("POST", "/hub/api/users/" + user + "/server", "{}", ADMIN_TOKEN);
            } catch (IOException e) {
                // the hub was killed while the request was open: expected in these tests
            }
        });
    }

    /** Asks to stop the user's server without waiting for the answer. */
    CompletableFuture<Void> requestStop(String user) {
        return CompletableFuture.runAsync(() -> {
            try {
                call("DELETE", "/hub/api/users/" + user + "/server", null, ADMIN_TOKEN);
            } catch (IOException e) {
                // the hub was killed while the request was open: expected in these tests
            }
        });
    }

    void startServer(String user) throws IOException {
        HttpResponse<String> r = call("POST", "/hub/api/users/" + user + "/server", "{}", ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isIn(201, 202);
        assertThat(awaitSettled(user)).as(logText()).isEqualTo(Outcome.RUNNING);
    }

    void stopServer(String user) throws IOException {
        HttpResponse<String> r = call("DELETE", "/hub/api/users/" + user + "/server", null, ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isIn(202, 204);
        assertThat(awaitSettled(user)).isEqualTo(Outcome.STOPPED);
    }

    /** Waits until the user's server is neither starting nor stopping, and says what it came to. */
    Outcome awaitSettled(String user) {
        Outcome[] outcome = new Outcome[1];
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(300)).until(() -> {
            outcome[0] = outcome(defaultServer(user));
            return outcome[0] != null;
        });
        return outcome[0];
    }

    private static Outcome outcome(JsonNode server) {
        if (server.isMissingNode() || server.path("stopped").asBoolean(false)) {
            return Outcome.STOPPED;
        }
        if (server.path("ready").asBoolean(false)) {
            return Outcome.RUNNING;
        }
        return server.path("pending").isTextual() ? null : Outcome.STOPPED;
    }

    long recordedPid(String user) throws IOException {
        JsonNode pid = defaultServer(user).path("state").path("pid");
        assertThat(pid.isNumber()).as("pid is a JSON number, as JupyterHub's LocalProcessSpawner reports it: " + pid)
                .isTrue();
        return pid.asLong();
    }

    /** A token of the user that may reach their server, as the user would make one. */
    String tokenOf(String user) throws IOException {
        String body = JSON.createObjectNode().put("note", "crash test")
                .set("scopes", JSON.valueToTree(List.of("access:servers!user=" + user))).toString();
        HttpResponse<String> r = call("POST", "/hub/api/users/" + user + "/tokens", body, ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("token").asText();
    }

    /** The user's server answers its API through the proxy to its owner's token. */
    boolean reachable(String user, String token) throws IOException {
        HttpResponse<String> r = call("GET", "/user/" + user + "/api/status", null, token);
        return r.statusCode() == 200 && JSON.readTree(r.body()).has("kernels");
    }

    /** The route specs the proxy holds, as the hub's REST API lists them. */
    Set<String> routes() throws IOException {
        HttpResponse<String> r = call("GET", "/hub/api/proxy", null, ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Set<String> specs = new HashSet<>();
        JSON.readTree(r.body()).fieldNames().forEachRemaining(specs::add);
        return specs;
    }

    @Override
    public void close() throws Exception {
        try {
            kill9();
        } finally {
            NotebookProcesses.killAll(this);
        }
    }
}
