package io.notebookhub.proxy;

import static io.notebookhub.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drop-in claim, checked against a real JupyterHub (Debian's, when installed): JupyterHub starts
 * this proxy through {@code ConfigurableHTTPProxy.command}, adds its routes over the CHP API, and its
 * pages are served through our public port.
 */
@EnabledIf("jupyterHubInstalled")
class StockJupyterHubIT {

    static boolean jupyterHubInstalled() {
        try {
            return new ProcessBuilder("jupyterhub", "--version").start().waitFor(60, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** JupyterHub must be told its ports up front, so these are found free and then handed over. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void jupyterHubStartsTheProxyAndRoutesItsPagesThroughIt(@TempDir Path dir) throws Exception {
        int publicPort = freePort();
        int apiPort = freePort();
        int hubPort = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        Files.writeString(dir.resolve("jupyterhub_config.py"), String.join("\n",
                "c.JupyterHub.ip = '127.0.0.1'",
                "c.JupyterHub.port = " + publicPort,
                "c.JupyterHub.hub_ip = '127.0.0.1'",
                "c.JupyterHub.hub_port = " + hubPort,
                "c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:" + apiPort + "'",
                "c.ConfigurableHTTPProxy.auth_token = 'stock-hub-token'",
                "c.ConfigurableHTTPProxy.command = ['" + java + "', '-Xmx128m', '-cp', '" + classpath + "', '"
                        + ProxyCommand.class.getName() + "']",
                "c.JupyterHub.authenticator_class = 'dummy'",
                "c.JupyterHub.db_url = 'sqlite:///" + dir.resolve("jupyterhub.sqlite") + "'",
                "c.JupyterHub.cookie_secret_file = '" + dir.resolve("cookie_secret") + "'",
                ""));
        Process hub = new ProcessBuilder("jupyterhub", "-f", "jupyterhub_config.py")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("jupyterhub.log").toFile())
                .start();
        Vertx vertx = Vertx.vertx();
        try {
            WebClient http = WebClient.create(vertx);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(hub.isAlive()).as("jupyterhub running, log: %s", dir.resolve("jupyterhub.log")).isTrue();
                assertThat(await(http.get(publicPort, "127.0.0.1", "/hub/login").send()).statusCode()).isEqualTo(200);
            });
            JsonObject routes = await(http.get(apiPort, "127.0.0.1", "/api/routes")
                    .putHeader("Authorization", "token stock-hub-token").send()).bodyAsJsonObject();
            assertThat(routes.getJsonObject("/").getString("target")).isEqualTo("http://127.0.0.1:" + hubPort);
            assertThat(routes.getJsonObject("/").getBoolean("hub")).isTrue();
            assertThat(await(http.get(apiPort, "127.0.0.1", "/api/routes").send()).statusCode()).isEqualTo(403);
            String login = await(http.get(publicPort, "127.0.0.1", "/hub/login").send()).bodyAsString();
            assertThat(login).contains("password");
        } finally {
            hub.destroy();
            hub.waitFor(60, TimeUnit.SECONDS);
            await(vertx.close());
        }
    }
}
