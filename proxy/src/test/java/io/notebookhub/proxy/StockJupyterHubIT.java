package io.notebookhub.proxy;

import static io.notebookhub.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The drop-in claim, checked against real JupyterHubs: JupyterHub 5 from PyPI (in the virtual environment
 * {@code .ci/install-tools} makes) and Debian's JupyterHub 3.0 (when installed). JupyterHub starts this proxy
 * through {@code ConfigurableHTTPProxy.command}, adds its routes over the CHP API, and a person logs in to it
 * through our public port.
 */
class StockJupyterHubIT {

    static Stream<Arguments> jupyterHubs() {
        Path repo = Path.of("").toAbsolutePath().getParent();
        return Stream.of(Arguments.of("JupyterHub 5 from PyPI", repo.resolve(".tools/jupyter/bin/jupyterhub"), "5."),
                Arguments.of("Debian's JupyterHub 3.0", Path.of("/usr/bin/jupyterhub"), "3."));
    }

    /** JupyterHub must be told its ports up front, so these are found free and then handed over. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jupyterHubs")
    void jupyterHubStartsTheProxyAndAPersonLogsInThroughIt(String name, Path jupyterhub, String version,
                                                          @TempDir Path dir) throws Exception {
        if (version.startsWith("3.")) {
            assumeTrue(Files.isExecutable(jupyterhub), "Debian's jupyterhub is not installed");
        }
        assertThat(jupyterhub).as("run .ci/install-tools to install " + name).isExecutable();
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
                "c.Authenticator.allow_all = True",
                "c.JupyterHub.db_url = 'sqlite:///" + dir.resolve("jupyterhub.sqlite") + "'",
                "c.JupyterHub.cookie_secret_file = '" + dir.resolve("cookie_secret") + "'",
                ""));
        Process hub = new ProcessBuilder(jupyterhub.toString(), "-f", "jupyterhub_config.py")
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
            assertThat(await(http.get(publicPort, "127.0.0.1", "/hub/api/").send()).bodyAsJsonObject()
                    .getString("version")).startsWith(version);
            assertThat(loginThroughTheProxy(publicPort)).contains("dana");
        } finally {
            hub.destroy();
            hub.waitFor(60, TimeUnit.SECONDS);
            await(vertx.close());
        }
    }

    /** Logs in with JupyterHub's form (its XSRF field and cookie included) and returns the home page. */
    private static String loginThroughTheProxy(int publicPort) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        String base = "http://127.0.0.1:" + publicPort;
        String form = browser.send(HttpRequest.newBuilder(URI.create(base + "/hub/login")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher xsrf = Pattern.compile("name=\"_xsrf\" value=\"([^\"]+)\"").matcher(form);
        String fields = "username=dana&password=pw" + (xsrf.find() ? "&_xsrf=" + xsrf.group(1) : "");
        HttpResponse<String> home = browser.send(HttpRequest.newBuilder(URI.create(base + "/hub/login?next=%2Fhub%2Fhome"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(fields)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(home.statusCode()).as(home.body()).isEqualTo(200);
        assertThat(home.uri().getPath()).isEqualTo("/hub/home");
        return home.body();
    }
}
