package io.notebookhub.proxy;

import static io.notebookhub.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the standalone command in a child JVM with the flags JupyterHub passes to configurable-http-proxy. */
class ProxyCommandIT {
    private static final Pattern LISTENING =
            Pattern.compile("Proxying https?://[^:]+:(\\d+) .*REST API at http://[^:]+:(\\d+)/api/routes");

    @Test
    void parsesEveryFlagJupyterHubPasses() {
        ProxyCommand cmd = new ProxyCommand();
        new CommandLine(cmd).parseArgs("--ip", "", "--port", "8000", "--api-ip", "127.0.0.1", "--api-port", "8001",
                "--error-target", "http://127.0.0.1:8081/hub/error", "--log-level", "info", "--host-routing",
                "--default-target", "http://127.0.0.1:8081", "--no-include-prefix", "--custom-header", "X-A: b",
                "--api-ssl-request-cert", "--client-ssl-reject-unauthorized", "--timeout", "100", "--proxy-timeout", "200",
                "--keep-alive-timeout", "5000", "--statsd-host", "h", "--statsd-port", "1", "--statsd-prefix", "p");
        ProxyOptions o = cmd.toOptions("tok");
        assertThat(o.ip()).isEqualTo("0.0.0.0");
        assertThat(o.effectiveApiPort()).isEqualTo(8001);
        assertThat(o.errorTarget()).isEqualTo("http://127.0.0.1:8081/hub/error");
        assertThat(o.hostRouting()).isTrue();
        assertThat(o.includePrefix()).isFalse();
        assertThat(o.customHeaders()).containsEntry("X-A", "b");
        assertThat(o.authToken()).isEqualTo("tok");
        assertThat(o.proxyTimeoutMillis()).isEqualTo(200);
        assertThat(new ProxyCommand().toOptions(null).effectiveApiPort()).isEqualTo(8001);
    }

    @Test
    void runsStandaloneWithChpFlagsAndTheTokenFromTheEnvironment(@TempDir Path tmp) throws Exception {
        Vertx vertx = Vertx.vertx();
        TestBackend hub = TestBackend.start(vertx, "hub");
        TestBackend alice = TestBackend.start(vertx, "alice");
        Path pidFile = tmp.resolve("proxy.pid");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                ProxyCommand.class.getName(),
                "--ip", "127.0.0.1", "--port", "0", "--api-ip", "127.0.0.1", "--api-port", "0",
                "--default-target", hub.url(), "--error-target", hub.url() + "/hub/error",
                "--log-level", "info", "--pid-file", pidFile.toString(), "--event-loops", "1"))
                .redirectErrorStream(true);
        pb.environment().put("CONFIGPROXY_AUTH_TOKEN", "from-env");
        Process p = pb.start();
        try {
            CompletableFuture<int[]> ports = new CompletableFuture<>();
            StringBuilder output = new StringBuilder();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        output.append(line).append('\n');
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            ports.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
                        }
                    }
                } catch (java.io.IOException e) {
                    ports.completeExceptionally(e);
                }
                ports.completeExceptionally(new AssertionError("proxy exited:\n" + output));
            });
            reader.setDaemon(true);
            reader.start();
            int[] bound = ports.get(120, TimeUnit.SECONDS);
            WebClient http = WebClient.create(vertx);

            assertThat(Files.readString(pidFile).trim()).isEqualTo(Long.toString(p.pid()));
            assertThat(await(http.get(bound[1], "127.0.0.1", "/api/routes").send()).statusCode()).isEqualTo(403);
            var added = await(http.post(bound[1], "127.0.0.1", "/api/routes/user/alice")
                    .putHeader("Authorization", "token from-env")
                    .sendJsonObject(new JsonObject().put("target", alice.url()).put("user", "alice")));
            assertThat(added.statusCode()).isEqualTo(201);
            assertThat(await(http.get(bound[0], "127.0.0.1", "/user/alice/lab").send()).bodyAsJsonObject()
                    .getString("backend")).isEqualTo("alice");
            assertThat(await(http.get(bound[0], "127.0.0.1", "/hub/home").send()).bodyAsJsonObject()
                    .getString("backend")).isEqualTo("hub");
            JsonObject routes = await(http.get(bound[1], "127.0.0.1", "/api/routes")
                    .putHeader("Authorization", "token from-env").send()).bodyAsJsonObject();
            assertThat(routes.fieldNames()).containsExactlyInAnyOrder("/", "/user/alice");
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            await(vertx.close());
        }
        assertThat(pidFile).doesNotExist();
    }
}
