package io.notebookhub.proxy;

import static io.notebookhub.proxy.TestBackend.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A started proxy (ports 0) plus a client pointed at it; each test class makes its own. */
final class ProxyFixture implements AutoCloseable {
    static final String TOKEN = "secret-token";
    final Vertx vertx;
    final ProxyServer proxy;
    final WebClient http;
    private boolean ownsVertx;

    ProxyFixture(Vertx vertx, ProxyOptions.Builder options) {
        this.vertx = vertx;
        this.proxy = await(ProxyServer.start(vertx, options.ip("127.0.0.1").port(0).apiPort(0).authToken(TOKEN).build()));
        this.http = WebClient.create(vertx);
    }

    /** A proxy on a Vert.x of its own with one backend, alice, routed at /user/alice; closing it closes that Vert.x. */
    static ProxyFixture aliceOnItsOwnVertx() {
        Vertx vertx = Vertx.vertx();
        TestBackend alice = TestBackend.start(vertx, "alice");
        ProxyFixture f = new ProxyFixture(vertx, defaults());
        f.ownsVertx = true;
        f.route("/user/alice", alice.url());
        return f;
    }

    static ProxyOptions.Builder defaults() {
        return ProxyOptions.builder().eventLoops(2);
    }

    void route(String prefix, String target) {
        await(proxy.routes().add(prefix, target, Map.of()));
    }

    HttpResponse<Buffer> get(String uri) {
        return await(http.request(HttpMethod.GET, proxy.publicPort(), "127.0.0.1", uri).send());
    }

    HttpResponse<Buffer> api(HttpMethod method, String uri, String body) {
        var req = http.request(method, proxy.apiPort(), "127.0.0.1", uri).putHeader("Authorization", "token " + TOKEN);
        return await(body == null ? req.send() : req.sendBuffer(Buffer.buffer(body)));
    }

    /** Sends bytes as they are (for requests no well-behaved client would send) and returns what came back. */
    String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", proxy.publicPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    got.write(buf, 0, n);
                    if (got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n") && complete(got)) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // whatever arrived before the timeout or reset is the answer
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static boolean complete(ByteArrayOutputStream got) {
        String s = got.toString(StandardCharsets.ISO_8859_1);
        int headEnd = s.indexOf("\r\n\r\n");
        String head = s.substring(0, headEnd).toLowerCase();
        int cl = head.indexOf("content-length:");
        if (cl < 0) {
            return true;
        }
        int eol = head.indexOf("\r\n", cl);
        int len = Integer.parseInt(head.substring(cl + 15, eol < 0 ? head.length() : eol).trim());
        return s.length() - headEnd - 4 >= len;
    }

    @Override
    public void close() {
        await(proxy.close());
        if (ownsVertx) {
            await(vertx.close());
        }
    }
}
