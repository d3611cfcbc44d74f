package io.notebookhub.proxy;

import static io.notebookhub.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Targets behind HTTPS (JupyterHub's internal_ssl): trusted through --client-ssl-ca, or anything with --insecure. */
class TlsTargetTest {
    private Vertx vertx;
    private SelfSignedCertificate cert;
    private String targetUrl;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        cert = SelfSignedCertificate.create("localhost");
        TestBackend alice = TestBackend.startTls(vertx, "alice", cert.privateKeyPath(), cert.certificatePath());
        targetUrl = "https://localhost:" + alice.port();
    }

    @AfterEach
    void stop() {
        cert.delete();
        await(vertx.close());
    }

    @Test
    void forwardsToAnHttpsTargetWhoseCertificateTheClientCaVouchesFor() {
        try (ProxyFixture f = new ProxyFixture(vertx, ProxyFixture.defaults().clientSsl(null, null, cert.certificatePath()))) {
            f.route("/user/alice", targetUrl);
            var resp = f.get("/user/alice/api/status");
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.bodyAsJsonObject().getString("backend")).isEqualTo("alice");
            assertThat(resp.bodyAsJsonObject().getString("uri")).isEqualTo("/user/alice/api/status");
        }
    }

    @Test
    void refusesAnHttpsTargetWithAnUntrustedCertificate() {
        try (ProxyFixture f = new ProxyFixture(vertx, ProxyFixture.defaults())) {
            f.route("/user/alice", targetUrl);
            assertThat(f.get("/user/alice/api/status").statusCode()).isEqualTo(503);
        }
    }

    @Test
    void refusesAnHttpsTargetWhoseCertificateNamesAnotherHost() {
        try (ProxyFixture f = new ProxyFixture(vertx, ProxyFixture.defaults().clientSsl(null, null, cert.certificatePath()))) {
            f.route("/user/alice", targetUrl.replace("localhost", "127.0.0.1"));
            assertThat(f.get("/user/alice/api/status").statusCode()).isEqualTo(503);
        }
    }

    @Test
    void acceptsAnyTargetCertificateWhenInsecure() {
        try (ProxyFixture f = new ProxyFixture(vertx, ProxyFixture.defaults().insecure(true))) {
            f.route("/user/alice", targetUrl);
            assertThat(f.get("/user/alice/api/status").bodyAsJsonObject().getString("backend")).isEqualTo("alice");
        }
    }
}
