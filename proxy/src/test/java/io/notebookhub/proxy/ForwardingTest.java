package io.notebookhub.proxy;

import static io.notebookhub.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForwardingTest {
    private Vertx vertx;
    private TestBackend hub;
    private TestBackend alice;
    private TestBackend alice2;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        hub = TestBackend.start(vertx, "hub");
        alice = TestBackend.start(vertx, "alice");
        alice2 = TestBackend.start(vertx, "alice2");
    }

    @AfterEach
    void stop() {
        await(vertx.close());
    }

    private ProxyFixture proxy(ProxyOptions.Builder b) {
        ProxyFixture f = new ProxyFixture(vertx, b.defaultTarget(hub.url()));
        f.route("/user/alice", alice.url());
        f.route("/user/alice2", alice2.url());
        return f;
    }

    @Test
    void forwardsOnWholeSegmentsWithTheFullPathQueryAndHostKept() {
        try (ProxyFixture f = proxy(ProxyFixture.defaults())) {
            JsonObject a = f.get("/user/alice/lab?token=x").bodyAsJsonObject();
            JsonObject a2 = f.get("/user/alice2/lab").bodyAsJsonObject();
            JsonObject other = f.get("/user/alicex/lab").bodyAsJsonObject();
            assertThat(a.getString("backend")).isEqualTo("alice");
            assertThat(a.getString("uri")).isEqualTo("/user/alice/lab?token=x");
            assertThat(a.getJsonObject("headers").getString("host")).isEqualTo("127.0.0.1:" + f.proxy.publicPort());
            assertThat(a2.getString("backend")).isEqualTo("alice2");
            assertThat(other.getString("backend")).isEqualTo("hub");
        }
    }

    @Test
    void setsForwardedHeadersAndDropsHopByHopHeadersBothWays() {
        try (ProxyFixture f = proxy(ProxyFixture.defaults())) {
            var resp = await(f.http.get(f.proxy.publicPort(), "127.0.0.1", "/user/alice/x")
                    .putHeader("X-Forwarded-For", "10.0.0.1")
                    .putHeader("Connection", "keep-alive, X-Drop-Me")
                    .putHeader("X-Drop-Me", "1")
                    .putHeader("Proxy-Authorization", "Basic abc")
                    .putHeader("X-Keep-Me", "2").send());
            JsonObject h = resp.bodyAsJsonObject().getJsonObject("headers");
            assertThat(h.getString("x-forwarded-for")).isEqualTo("10.0.0.1,127.0.0.1");
            assertThat(h.getString("x-forwarded-proto")).isEqualTo("http");
            assertThat(h.getString("x-forwarded-port")).isEqualTo(Integer.toString(f.proxy.publicPort()));
            assertThat(h.getString("x-forwarded-host")).isEqualTo("127.0.0.1:" + f.proxy.publicPort());
            assertThat(h.getString("x-keep-me")).isEqualTo("2");
            assertThat(h.fieldNames()).doesNotContain("x-drop-me", "proxy-authorization");
            assertThat(resp.getHeader("X-Secret-Hop")).isNull();
            assertThat(resp.getHeader("Keep-Alive")).isNull();
        }
    }

    @Test
    void stripsThePrefixOrTheTargetPathWhenToldTo() {
        try (ProxyFixture f = proxy(ProxyFixture.defaults().includePrefix(false).customHeader("X-Via", "nbhub"))) {
            f.route("/services/x", alice.url() + "/base/");
            assertThat(f.get("/user/alice/lab").bodyAsJsonObject().getString("uri")).isEqualTo("/lab");
            assertThat(f.get("/user/alice").bodyAsJsonObject().getString("uri")).isEqualTo("/");
            JsonObject svc = f.get("/services/x/api?q=1").bodyAsJsonObject();
            assertThat(svc.getString("uri")).isEqualTo("/base/api?q=1");
            assertThat(svc.getJsonObject("headers").getString("x-via")).isEqualTo("nbhub");
        }
    }

    @Test
    void forwardsRequestBodiesAndMethods() {
        try (ProxyFixture f = proxy(ProxyFixture.defaults())) {
            var resp = await(f.http.request(HttpMethod.PUT, f.proxy.publicPort(), "127.0.0.1", "/user/alice/api/contents/a")
                    .sendBuffer(Buffer.buffer("{\"content\": 1}")));
            assertThat(resp.bodyAsJsonObject().getString("method")).isEqualTo("PUT");
            assertThat(resp.bodyAsJsonObject().getString("body")).isEqualTo("{\"content\": 1}");
        }
    }

    @Test
    void stampsLastActivityButNotInteractiveActivityForBackgroundPolling() throws Exception {
        try (ProxyFixture f = proxy(ProxyFixture.defaults())) {
            Route before = await(f.proxy.routes().list()).get("/user/alice");
            Thread.sleep(20);
            f.get("/user/alice/api/kernels?1");
            f.get("/user/alice/api/status");
            Route polled = await(f.proxy.routes().list()).get("/user/alice");
            assertThat(polled.lastActivity()).isAfter(before.lastActivity());
            assertThat(polled.lastInteractiveActivity()).isEqualTo(before.lastInteractiveActivity());

            Thread.sleep(20);
            f.get("/user/alice/lab/tree/a.ipynb");
            Route worked = await(f.proxy.routes().list()).get("/user/alice");
            assertThat(worked.lastInteractiveActivity()).isAfter(before.lastInteractiveActivity());
            assertThat(f.api(HttpMethod.GET, "/api/routes/user/alice", null).bodyAsJsonObject()
                    .getString("last_interactive_activity")).isNotEqualTo(
                    f.api(HttpMethod.GET, "/api/routes/user/alice2", null).bodyAsJsonObject().getString("last_interactive_activity"));
        }
    }

    @Test
    void showsAClearPageAndTellsTheHubWhenATargetRefuses() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (ProxyFixture f = proxy(ProxyFixture.defaults())) {
            List<Route> gone = new CopyOnWriteArrayList<>();
            f.proxy.onUpstreamFailure(gone::add);
            f.route("/user/carol", "http://127.0.0.1:" + deadPort);
            var resp = f.get("/user/carol/lab");
            assertThat(resp.statusCode()).isEqualTo(503);
            assertThat(resp.getHeader("Content-Type")).startsWith("text/html");
            assertThat(resp.bodyAsString()).contains("503").contains("/user/carol/lab");
            await().atMost(Duration.ofSeconds(30)).until(() -> !gone.isEmpty());
            assertThat(gone.get(0).prefix()).isEqualTo("/user/carol");
        }
    }

    @Test
    void forwardsErrorsToTheHubsErrorTargetWithTheStatusKept() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (ProxyFixture f = proxy(ProxyFixture.defaults().errorTarget(hub.url() + "/hub/error"))) {
            f.route("/user/carol", "http://127.0.0.1:" + deadPort);
            var resp = f.get("/user/carol/lab?x=1");
            assertThat(resp.statusCode()).isEqualTo(503);
            JsonObject fromHub = resp.bodyAsJsonObject();
            assertThat(fromHub.getString("backend")).isEqualTo("hub");
            assertThat(fromHub.getString("uri")).isEqualTo("/hub/error/503?url=%2Fuser%2Fcarol%2Flab%3Fx%3D1");
        }
    }

    @Test
    void showsItsOwnErrorPageWhenTheHubsErrorTargetNeverAnswers() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (ServerSocket silentHub = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             ProxyFixture f = proxy(ProxyFixture.defaults().proxyTimeoutMillis(500)
                     .errorTarget("http://127.0.0.1:" + silentHub.getLocalPort() + "/hub/error"))) {
            f.route("/user/carol", "http://127.0.0.1:" + deadPort);
            var resp = f.get("/user/carol/lab");
            assertThat(resp.statusCode()).isEqualTo(503);
            assertThat(resp.bodyAsString()).contains("503 Service Unavailable").contains("/user/carol/lab");
        }
    }

    @Test
    void answersInTimeWhenATargetNeverResponds() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             ProxyFixture f = proxy(ProxyFixture.defaults().proxyTimeoutMillis(500))) {
            f.route("/user/slow", "http://127.0.0.1:" + silent.getLocalPort());
            var resp = f.get("/user/slow/lab");
            assertThat(resp.statusCode()).isEqualTo(504);
        }
    }

    @Test
    void retriesAGetOnceWhenThePooledConnectionWasClosedByTheTarget() throws Exception {
        // A target that answers the first request on each connection, then drops the connection on the
        // second without answering: what a server's keep-alive timeout looks like from the proxy.
        try (ServerSocket target = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             ProxyFixture f = new ProxyFixture(vertx, ProxyFixture.defaults().eventLoops(1))) {
            answerEachConnection(target, (in, out) -> {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes());
                out.flush();
                in.readLine(); // the second request arrives; close without a word
            });
            f.route("/user/kim", "http://127.0.0.1:" + target.getLocalPort());
            assertThat(f.get("/user/kim/a").bodyAsString()).isEqualTo("ok");
            var second = f.get("/user/kim/b");
            assertThat(second.statusCode()).isEqualTo(200);
            assertThat(second.bodyAsString()).isEqualTo("ok");
        }
    }

    @Test
    void passesOnABodyThatEndsWhenTheTargetClosesTheConnection() throws Exception {
        // HTTP/1.0-style framing: no Content-Length, no chunking, the end of the body is the end of the connection.
        try (ServerSocket target = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             ProxyFixture f = new ProxyFixture(vertx, ProxyFixture.defaults().eventLoops(1))) {
            answerEachConnection(target,
                    (in, out) -> out.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end".getBytes()));
            f.route("/user/kim", "http://127.0.0.1:" + target.getLocalPort());
            for (int i = 0; i < 3; i++) {
                var r = f.get("/user/kim/" + i);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.bodyAsString()).isEqualTo("until the end");
            }
        }
    }

    /** What a hand-written target does on one connection once the request head has been read. */
    private interface RawAnswer {
        void answer(java.io.BufferedReader in, java.io.OutputStream out) throws java.io.IOException;
    }

    /** Serves each connection to {@code target} in turn on a daemon thread: read the request head, then answer. */
    private static void answerEachConnection(ServerSocket target, RawAnswer answer) {
        Thread t = new Thread(() -> {
            while (!target.isClosed()) {
                try (java.net.Socket s = target.accept()) {
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        // skip the request head
                    }
                    answer.answer(in, s.getOutputStream());
                } catch (java.io.IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @Test
    void servesThePublicPortOverTlsWithSslKeyAndCert(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        String key = tmp.resolve("key.pem").toString();
        String cert = tmp.resolve("cert.pem").toString();
        // openssl ships with Debian; the JDK cannot write a PEM key without extra libraries.
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1").redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(p.waitFor()).isZero();
        try (ProxyFixture f = proxy(ProxyFixture.defaults().ssl(key, cert))) {
            var https = io.vertx.ext.web.client.WebClient.create(vertx,
                    new io.vertx.ext.web.client.WebClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
            JsonObject seen = await(https.get(f.proxy.publicPort(), "127.0.0.1", "/user/alice/lab").send()).bodyAsJsonObject();
            assertThat(seen.getString("backend")).isEqualTo("alice");
            assertThat(seen.getJsonObject("headers").getString("x-forwarded-proto")).isEqualTo("https");
        }
    }

    @Test
    void queuesRequestsBeyondThePerTargetConnectionLimitAndServesThemAll() {
        try (ProxyFixture f = proxy(ProxyFixture.defaults().eventLoops(2).maxConnectionsPerTarget(2))) {
            var client = io.vertx.ext.web.client.WebClient.create(vertx,
                    new io.vertx.ext.web.client.WebClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(60));
            List<io.vertx.core.Future<io.vertx.ext.web.client.HttpResponse<Buffer>>> sent = new java.util.ArrayList<>();
            for (int i = 0; i < 60; i++) {
                sent.add(client.get(f.proxy.publicPort(), "127.0.0.1", "/user/alice/n" + i).send());
            }
            await(io.vertx.core.Future.all(sent));
            java.util.Set<Integer> upstreamConnections = new java.util.HashSet<>();
            for (int i = 0; i < sent.size(); i++) {
                JsonObject body = sent.get(i).result().bodyAsJsonObject();
                assertThat(body.getString("uri")).isEqualTo("/user/alice/n" + i);
                upstreamConnections.add(body.getInteger("clientPort"));
            }
            // Two per target on each of the two event loops.
            assertThat(upstreamConnections).hasSizeBetween(1, 4);
        }
    }

    @Test
    void answers404WithoutAnyMatchingRoute() {
        try (ProxyFixture f = new ProxyFixture(vertx, ProxyFixture.defaults())) {
            assertThat(f.get("/nothing/here").statusCode()).isEqualTo(404);
        }
    }
}
