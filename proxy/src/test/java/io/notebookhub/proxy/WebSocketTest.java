package io.notebookhub.proxy;

import static io.notebookhub.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebSocketTest {
    private Vertx vertx;
    private ProxyFixture f;
    private WebSocketClient wsClient;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        TestBackend alice = TestBackend.start(vertx, "alice");
        TestBackend bob = TestBackend.start(vertx, "bob");
        f = new ProxyFixture(vertx, ProxyFixture.defaults());
        f.route("/user/alice", alice.url());
        f.route("/user/bob", bob.url());
        wsClient = vertx.createWebSocketClient();
    }

    @AfterEach
    void stop() {
        f.close();
        await(vertx.close());
    }

    private WebSocket connect(String uri) {
        return await(wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
                .setPort(f.proxy.publicPort()).setURI(uri)));
    }

    @Test
    void carriesTextAndBinaryMessagesBothWaysToTheRightUser() {
        WebSocket ws = connect("/user/alice/api/kernels/k1/channels");
        List<String> texts = new CopyOnWriteArrayList<>();
        List<Buffer> binaries = new CopyOnWriteArrayList<>();
        ws.textMessageHandler(texts::add);
        ws.binaryMessageHandler(binaries::add);
        ws.writeTextMessage("hello");
        Buffer big = Buffer.buffer(new byte[60_000]);
        ws.writeBinaryMessage(big);

        await().atMost(Duration.ofSeconds(30)).until(() -> texts.size() == 1 && binaries.size() == 1);
        assertThat(texts).containsExactly("alice:hello");
        assertThat(binaries.get(0).length()).isEqualTo(60_000);

        WebSocket toBob = connect("/user/bob/terminals/websocket/1");
        List<String> bobs = new CopyOnWriteArrayList<>();
        toBob.textMessageHandler(bobs::add);
        toBob.writeTextMessage("hi");
        await().atMost(Duration.ofSeconds(30)).until(() -> !bobs.isEmpty());
        assertThat(bobs).containsExactly("bob:hi");
    }

    @Test
    void stampsInteractiveActivityForDataFramesButNotForPings() throws Exception {
        WebSocket ws = connect("/user/alice/api/kernels/k1/channels");
        List<String> texts = new CopyOnWriteArrayList<>();
        ws.textMessageHandler(texts::add);
        Route start = await(f.proxy.routes().list()).get("/user/alice");

        Thread.sleep(20);
        List<Buffer> pongs = new CopyOnWriteArrayList<>();
        ws.pongHandler(pongs::add);
        ws.writePing(Buffer.buffer("p"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !pongs.isEmpty());
        await().atMost(Duration.ofSeconds(30)).until(() ->
                await(f.proxy.routes().list()).get("/user/alice").lastActivity().isAfter(start.lastActivity()));
        assertThat(await(f.proxy.routes().list()).get("/user/alice").lastInteractiveActivity())
                .isEqualTo(start.lastInteractiveActivity());

        Thread.sleep(20);
        ws.writeTextMessage("run cell");
        await().atMost(Duration.ofSeconds(30)).until(() -> !texts.isEmpty());
        assertThat(await(f.proxy.routes().list()).get("/user/alice").lastInteractiveActivity())
                .isAfter(start.lastInteractiveActivity());
    }

    @Test
    void holdsMoreOpenWebSocketsToOneTargetThanThePoolAllowsConnections() {
        f.close();
        f = new ProxyFixture(vertx, ProxyFixture.defaults().eventLoops(1).maxConnectionsPerTarget(2));
        TestBackend alice = TestBackend.start(vertx, "alice");
        f.route("/user/alice", alice.url());
        List<String> echoes = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 6; i++) {
            WebSocket ws = connect("/user/alice/api/kernels/k" + i + "/channels");
            ws.textMessageHandler(echoes::add);
            ws.writeTextMessage("m" + i);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> echoes.size() == 6);
        assertThat(echoes).containsExactlyInAnyOrder("alice:m0", "alice:m1", "alice:m2", "alice:m3", "alice:m4", "alice:m5");
        // Plain requests still find a pooled connection while the tunnels are open.
        assertThat(f.get("/user/alice/lab").bodyAsJsonObject().getString("backend")).isEqualTo("alice");
    }

    @Test
    void neverOffersACompressionTheTargetDidNotAgreeTo() {
        // Like Jupyter Server: a target that accepts WebSockets but negotiates no extension.
        var plain = await(vertx.createHttpServer(new HttpServerOptions().setPerMessageWebSocketCompressionSupported(false)
                        .setPerFrameWebSocketCompressionSupported(false))
                .webSocketHandler(ws -> ws.textMessageHandler(ws::writeTextMessage)).listen(0, "127.0.0.1"));
        f.route("/user/dave", "http://127.0.0.1:" + plain.actualPort());
        NetSocket socket = await(vertx.createNetClient().connect(f.proxy.publicPort(), "127.0.0.1"));
        Buffer answer = Buffer.buffer();
        socket.handler(answer::appendBuffer);
        // Chromium offers permessage-deflate on every WebSocket it opens.
        socket.write("GET /user/dave/api/kernels/k1/channels HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> answer.toString().contains("\r\n\r\n"));
        String head = answer.toString().toLowerCase(java.util.Locale.ROOT);
        assertThat(head).startsWith("http/1.1 101").doesNotContain("sec-websocket-extensions");
        socket.close();
    }

    @Test
    void passesARefusedUpgradeStatusBackToTheClient() {
        var resp = await(f.http.get(f.proxy.publicPort(), "127.0.0.1", "/user/alice/refuse")
                .putHeader("Connection", "Upgrade").putHeader("Upgrade", "websocket")
                .putHeader("Sec-WebSocket-Version", "13").putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .send());
        assertThat(resp.statusCode()).isEqualTo(403);
    }

    @Test
    void closesTheClientSideWhenTheTargetGoesAway() {
        TestBackend carol = TestBackend.start(vertx, "carol");
        f.route("/user/carol", carol.url());
        WebSocket ws = connect("/user/carol/api/events/subscribe");
        boolean[] closed = {false};
        ws.closeHandler(v -> closed[0] = true);
        await(carol.server.close());
        await().atMost(Duration.ofSeconds(30)).until(() -> closed[0]);
    }

    @Test
    void closesTheTargetConnectionWhenTheClientLeavesBeforeTheTargetAnswersTheUpgrade() {
        SilentTarget target = SilentTarget.start(vertx, false);
        f.route("/user/erin", "http://127.0.0.1:" + target.port());
        NetSocket client = await(vertx.createNetClient().connect(f.proxy.publicPort(), "127.0.0.1"));
        client.write(upgradeRequest("/user/erin/api/kernels/k1/channels"));
        await().atMost(Duration.ofSeconds(30)).until(() -> target.requests.size() == 1);

        client.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> target.closed.size() == 1);
    }

    @Test
    void closesTheTargetConnectionWhenTheClientLeavesAsTheTargetAgreesToTheUpgrade() {
        List<Throwable> unhandled = new CopyOnWriteArrayList<>();
        vertx.exceptionHandler(unhandled::add);
        SilentTarget target = SilentTarget.start(vertx, true);
        f.route("/user/erin", "http://127.0.0.1:" + target.port());
        int tries = 30;
        for (int i = 0; i < tries; i++) {
            NetSocket client = await(vertx.createNetClient().connect(f.proxy.publicPort(), "127.0.0.1"));
            // A browser tab closed during the handshake: the request goes out and the connection goes with it.
            client.write(upgradeRequest("/user/erin/api/kernels/k" + i + "/channels")).compose(v -> client.close());
        }

        // Every connection the proxy opened to the target is closed, and stays so for a second.
        await().atMost(Duration.ofSeconds(20)).during(Duration.ofSeconds(1))
                .until(() -> target.closed.size() == target.connections.size());
        assertThat(target.connections).isNotEmpty().hasSizeLessThanOrEqualTo(tries);
        assertThat(unhandled).isEmpty();
    }

    private static String upgradeRequest(String uri) {
        return "GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    }

    /** A target that reads upgrade requests and either never answers or agrees at once, noting every close. */
    private record SilentTarget(io.vertx.core.net.NetServer server, List<NetSocket> connections, List<String> requests,
                                List<String> closed) {
        static SilentTarget start(Vertx vertx, boolean agree) {
            List<NetSocket> connections = new CopyOnWriteArrayList<>();
            List<String> requests = new CopyOnWriteArrayList<>();
            List<String> closed = new CopyOnWriteArrayList<>();
            var server = await(vertx.createNetServer().connectHandler(socket -> {
                connections.add(socket);
                Buffer head = Buffer.buffer();
                socket.handler(chunk -> {
                    head.appendBuffer(chunk);
                    if (head.toString().endsWith("\r\n\r\n")) {
                        requests.add(head.toString());
                        if (agree) {
                            socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                    + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
                        }
                    }
                });
                socket.closeHandler(v -> closed.add(head.toString()));
            }).listen(0, "127.0.0.1"));
            return new SilentTarget(server, connections, requests, closed);
        }

        int port() {
            return server.actualPort();
        }
    }
}
