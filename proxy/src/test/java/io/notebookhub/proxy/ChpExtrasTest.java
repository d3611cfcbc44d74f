package io.notebookhub.proxy;

import static io.notebookhub.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The rest of configurable-http-proxy's flags: --auto-rewrite, --protocol-rewrite, --redirect-port/-to, --metrics-*. */
class ChpExtrasTest {
    private Vertx vertx;
    private TestBackend alice;
    private WebClient client;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        alice = TestBackend.start(vertx, "alice");
        client = WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions().setFollowRedirects(false));
    }

    @AfterEach
    void stop() {
        await(vertx.close());
    }

    private HttpResponse<Buffer> redirectVia(ProxyFixture f, String location) {
        return await(client.get(f.proxy.publicPort(), "127.0.0.1",
                "/user/alice/redirect?to=" + URLEncoder.encode(location, StandardCharsets.UTF_8)).send());
    }

    @Test
    void rewritesRedirectsToTheTargetsOwnAddressToTheHostTheBrowserUsed() {
        try (ProxyFixture f = new ProxyFixture(vertx, ProxyFixture.defaults().autoRewrite(true).protocolRewrite("https"))) {
            f.route("/user/alice", alice.url());
            HttpResponse<Buffer> own = redirectVia(f, alice.url() + "/user/alice/tree?a=1#top");
            assertThat(own.statusCode()).isEqualTo(302);
            assertThat(own.getHeader("Location"))
                    .isEqualTo("https://127.0.0.1:" + f.proxy.publicPort() + "/user/alice/tree?a=1#top");
            assertThat(redirectVia(f, "http://idp.example.org/login").getHeader("Location"))
                    .isEqualTo("http://idp.example.org/login");
            assertThat(redirectVia(f, "/user/alice/relative").getHeader("Location")).isEqualTo("/user/alice/relative");
        }
    }

    @Test
    void leavesRedirectsAloneWithoutTheRewriteFlags() {
        try (ProxyFixture f = new ProxyFixture(vertx, ProxyFixture.defaults())) {
            f.route("/user/alice", alice.url());
            assertThat(redirectVia(f, alice.url() + "/user/alice/tree").getHeader("Location"))
                    .isEqualTo(alice.url() + "/user/alice/tree");
        }
    }

    @Test
    void redirectsPlainHttpToTheHttpsPortKeepingHostAndPath() {
        SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
        try (ProxyFixture f = new ProxyFixture(vertx, ProxyFixture.defaults()
                .ssl(cert.privateKeyPath(), cert.certificatePath()).redirect(0, 0))) {
            HttpResponse<Buffer> r = await(client.get(f.proxy.redirectPort(), "127.0.0.1", "/user/alice/lab?x=1")
                    .putHeader("Host", "hub.example.org:8080").send());
            assertThat(r.statusCode()).isEqualTo(301);
            assertThat(r.getHeader("Location"))
                    .isEqualTo("https://hub.example.org:" + f.proxy.publicPort() + "/user/alice/lab?x=1");
        } finally {
            cert.delete();
        }
        SelfSignedCertificate cert443 = SelfSignedCertificate.create("localhost");
        try (ProxyFixture f = new ProxyFixture(vertx, ProxyFixture.defaults()
                .ssl(cert443.privateKeyPath(), cert443.certificatePath()).redirect(0, 443))) {
            HttpResponse<Buffer> r = await(client.get(f.proxy.redirectPort(), "127.0.0.1", "/hub/")
                    .putHeader("Host", "hub.example.org").send());
            assertThat(r.getHeader("Location")).isEqualTo("https://hub.example.org/hub/");
        } finally {
            cert443.delete();
        }
    }

    @Test
    void refusesHttpsRedirectionWithoutACertificateLikeChp() {
        ProxyCommand cmd = new ProxyCommand();
        new CommandLine(cmd).parseArgs("--redirect-port", "8080");
        assertThatThrownBy(() -> cmd.toOptions(null)).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--redirect-port").hasMessageContaining("--ssl-key");
    }

    @Test
    void countsRequestsUnderChpsMetricNamesOnTheMetricsPort() {
        try (ProxyFixture f = new ProxyFixture(vertx, ProxyFixture.defaults().metrics("127.0.0.1", 0))) {
            assertThat(f.api(HttpMethod.POST, "/api/routes/user/alice", "{\"target\": \"" + alice.url() + "\"}")
                    .statusCode()).isEqualTo(201);
            for (int i = 0; i < 3; i++) {
                assertThat(f.get("/user/alice/api/status").statusCode()).isEqualTo(200);
            }
            assertThat(f.get("/nobody/here").statusCode()).isEqualTo(404);
            assertThat(f.api(HttpMethod.GET, "/api/routes", null).statusCode()).isEqualTo(200);

            HttpResponse<Buffer> m = await(client.get(f.proxy.metricsPort(), "127.0.0.1", "/metrics").send());
            assertThat(m.statusCode()).isEqualTo(200);
            String text = m.bodyAsString();
            assertThat(text).containsPattern("(?m)^requests_web_total 4\\.0$")
                    .containsPattern("(?m)^requests_proxy_total\\{status=\"200\",?\\} 3\\.0$")
                    .containsPattern("(?m)^requests_proxy_total\\{status=\"404\",?\\} 1\\.0$")
                    .containsPattern("(?m)^api_route_get_total 1\\.0$")
                    .containsPattern("(?m)^api_route_add_total 1\\.0$")
                    .containsPattern("(?m)^requests_api_total\\{status=\"201\",?\\} 1\\.0$")
                    .contains("jvm_memory_used_bytes");
            assertThat(await(client.get(f.proxy.metricsPort(), "127.0.0.1", "/other").send()).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void servesNoMetricsPortUnlessAskedTo() {
        try (ProxyFixture f = new ProxyFixture(vertx, ProxyFixture.defaults())) {
            assertThat(f.proxy.metricsPort()).isEqualTo(-1);
            assertThat(f.proxy.redirectPort()).isEqualTo(-1);
        }
    }
}
