package io.notebookhub.system.api;

import static io.notebookhub.system.api.AdminHub.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub with an external proxy is told about a new one ({@code PATCH /hub/api/proxy}), as JupyterHub is when
 * its proxy moves: it re-syncs every running server's route into the new proxy and manages that one from then on.
 */
class ProxyRepointIT {
    static final String PROXY_TOKEN = "proxy-api-secret-for-the-repoint-test";
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    static Path temp;
    static AdminHub hub;
    static Proxy first;
    static Proxy second;

    record Proxy(Process process, int publicPort, int apiPort) {
        static Proxy start(Path log, int hubPort) throws IOException {
            int publicPort = AdminHub.freePort();
            int apiPort = AdminHub.freePort();
            ProcessBuilder pb = new ProcessBuilder(AdminHub.javaBin(), "-jar", AdminHub.jar().toString(), "proxy",
                    "--ip", "127.0.0.1", "--port", Integer.toString(publicPort), "--api-ip", "127.0.0.1",
                    "--api-port", Integer.toString(apiPort), "--default-target", "http://127.0.0.1:" + hubPort)
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("CONFIGPROXY_AUTH_TOKEN", PROXY_TOKEN);
            Proxy p = new Proxy(pb.start(), publicPort, apiPort);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> p.routes() != null);
            return p;
        }

        JsonNode routes() throws IOException, InterruptedException {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort
                    + "/api/routes")).header("Authorization", "token " + PROXY_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @BeforeAll
    static void start() throws Exception {
        hub = new AdminHub(temp.resolve("data"));
        first = Proxy.start(temp.resolve("proxy-1.log"), hub.hubPort);
        second = Proxy.start(temp.resolve("proxy-2.log"), hub.hubPort);
        hub.externalProxy("http://127.0.0.1:" + first.apiPort(), PROXY_TOKEN).start();
        hub.adminJson("POST", "/hub/api/users", "{\"usernames\": [\"alice\"]}", 201);
        hub.startServer("alice");
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        for (Proxy p : new Proxy[] {first, second}) {
            if (p != null) {
                p.stop();
            }
        }
    }

    @Test
    void afterAPatchTheHubSyncsAndManagesRoutesInTheNewProxy() throws Exception {
        assertThat(first.routes().has("/user/alice")).isTrue();
        assertThat(second.routes().has("/user/alice")).isFalse();

        HttpResponse<String> bad = hub.admin("PATCH", "/hub/api/proxy", "{\"port\": \"not-a-port\"}");
        assertThat(bad.statusCode()).isEqualTo(400);

        HttpResponse<String> moved = hub.admin("PATCH", "/hub/api/proxy", "{\"ip\": \"127.0.0.1\", \"port\": "
                + second.apiPort() + ", \"protocol\": \"http\", \"auth_token\": \"" + PROXY_TOKEN + "\"}");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        assertThat(second.routes().path("/user/alice").path("target").asText()).startsWith("http://127.0.0.1:");
        assertThat(hub.adminJson("GET", "/hub/api/proxy", null, 200).has("/user/alice/")).isTrue();

        String alice = hub.tokenFor("alice", "inherit");
        HttpResponse<String> through = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + second.publicPort() + "/user/alice/api/status")).header("Authorization", "token " + alice)
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(through.statusCode()).as(through.body()).isEqualTo(200);

        assertThat(hub.admin("DELETE", "/hub/api/users/alice/server", null).statusCode()).isIn(202, 204);
        await().atMost(Duration.ofSeconds(60)).until(() -> !second.routes().has("/user/alice"));
        assertThat(first.routes().has("/user/alice")).as("the old proxy is no longer managed").isTrue();
    }
}
