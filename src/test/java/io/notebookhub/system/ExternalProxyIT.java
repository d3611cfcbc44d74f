package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy as its own process (the chart's layout, and a drop-in for configurable-http-proxy): started with
 * CHP's flags, the hub in external mode drives it through CHP's REST API. When the proxy restarts empty, the
 * first request for a running server reaches the hub, which puts the route back at once.
 */
class ExternalProxyIT {
    static final String PROXY_TOKEN = "proxy-token-for-external-proxy-test";

    @TempDir
    Path temp;

    private Process startProxy(HubProcess hub, int apiPort) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(HubProcess.javaBin(), "-jar", HubProcess.jar().toString(), "proxy",
                "--ip", "127.0.0.1", "--port", Integer.toString(hub.proxyPort),
                "--api-ip", "127.0.0.1", "--api-port", Integer.toString(apiPort),
                "--default-target", "http://127.0.0.1:" + hub.hubPort,
                "--error-target", "http://127.0.0.1:" + hub.hubPort + "/hub/error",
                "--log-level", "info")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(temp.resolve("proxy.log").toFile()));
        pb.environment().put("CONFIGPROXY_AUTH_TOKEN", PROXY_TOKEN);
        Process proxy = pb.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(proxy.isAlive()).as(() -> log()).isTrue();
            try (var s = new java.net.Socket("127.0.0.1", hub.proxyPort)) {
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        return proxy;
    }

    private String log() {
        try {
            return Files.readString(temp.resolve("proxy.log"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void theHubDrivesAStandaloneProxyAndRestoresRoutesAtOnceAfterTheProxyRestarts() throws Exception {
        HubProcess hub = new HubProcess(temp.resolve("data"), List.of());
        int apiPort = HubProcess.freePort();
        hub.env.put("NBHUB_PROXY_MODE", "external");
        hub.env.put("NBHUB_PROXY_API_URL", "http://127.0.0.1:" + apiPort);
        hub.env.put("NBHUB_PROXY_AUTH_TOKEN", PROXY_TOKEN);
        Process proxy = startProxy(hub, apiPort);
        try (hub) {
            hub.start();
            assertThat(HubApi.call(hub, "POST", "/hub/api/users/erin", null, HubProcess.ADMIN_TOKEN).statusCode())
                    .isEqualTo(201);
            HubApi.call(hub, "POST", "/hub/api/users/erin/server", "{}", HubProcess.ADMIN_TOKEN);
            await().atMost(Duration.ofSeconds(90)).until(() -> HubApi.adminGet(hub, "/hub/api/users/erin")
                    .path("servers").path("").path("ready").asBoolean());
            Browser erin = new Browser(hub.baseUrl());
            erin.login("erin");
            assertThat(erin.get("/user/erin/tree").statusCode()).isEqualTo(200);

            proxy.destroy();
            assertThat(proxy.waitFor(30, TimeUnit.SECONDS)).isTrue();
            proxy = startProxy(hub, apiPort);

            var status = erin.get("/user/erin/api/status");
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(status.uri().getPath()).isEqualTo("/user/erin/api/status");
            assertThat(status.body()).contains("kernels");
            HubApi.call(hub, "DELETE", "/hub/api/users/erin/server", null, HubProcess.ADMIN_TOKEN);
        } finally {
            proxy.destroyForcibly();
        }
    }
}
