package io.notebookhub.proxy;

import static io.notebookhub.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slowloris against the public port and the API port: connections that send nothing, half a head, a head one byte
 * at a time, or half a body are closed after the headers or request timeout, while honest requests keep being
 * answered.
 */
class SlowClientTest {
    private static final long HEADERS_MS = 600;
    private static final long REQUEST_MS = 1500;
    private Vertx vertx;
    private ProxyFixture f;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        TestBackend alice = TestBackend.start(vertx, "alice");
        f = new ProxyFixture(vertx, ProxyFixture.defaults().headersTimeoutMillis(HEADERS_MS)
                .requestTimeoutMillis(REQUEST_MS));
        f.route("/user/alice", alice.url());
    }

    @AfterEach
    void stop() {
        f.close();
        await(vertx.close());
    }

    /** Sends {@code bytes}, then waits for the server to close; returns how long that took, or fails after 10 s. */
    private static Duration closedAfter(int port, String bytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            long start = System.nanoTime();
            OutputStream out = s.getOutputStream();
            out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            try {
                while (in.read() >= 0) {
                    // drain whatever the server says before it closes
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the connection was still open after 10 s");
            } catch (java.net.SocketException e) {
                // a reset is a close too
            }
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws Exception {
        assertThat(closedAfter(f.proxy.publicPort(), "")).isLessThan(Duration.ofSeconds(5));
        assertThat(closedAfter(f.proxy.apiPort(), "")).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void halfAHeadIsClosed() throws Exception {
        String half = "GET /user/alice/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
        assertThat(closedAfter(f.proxy.publicPort(), half)).isLessThan(Duration.ofSeconds(5));
        assertThat(closedAfter(f.proxy.apiPort(), "GET /api/routes HTTP/1.1\r\n")).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void halfABodyIsClosedAfterTheRequestTimeout() throws Exception {
        String head = "POST /user/alice/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n0123456789";
        Duration took = closedAfter(f.proxy.publicPort(), head);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(REQUEST_MS - 200)).isLessThan(Duration.ofSeconds(6));
    }

    @Test
    void aHeadTrickledOneByteAtATimeIsClosedThoughItNeverFallsSilent() throws Exception {
        try (Socket s = new Socket("127.0.0.1", f.proxy.publicPort())) {
            OutputStream out = s.getOutputStream();
            long start = System.nanoTime();
            boolean closed = false;
            String header = "GET /user/alice/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(200);
            for (char c : header.toCharArray()) {
                try {
                    out.write(c);
                    out.flush();
                } catch (IOException e) {
                    closed = true;
                    break;
                }
                Thread.sleep(50);
                if (System.nanoTime() - start > Duration.ofSeconds(8).toNanos()) {
                    break;
                }
            }
            assertThat(closed).as("closed before the head was complete").isTrue();
        }
    }

    @Test
    void aKeptAliveConnectionOutlivesTheTimeoutsBetweenCompleteRequests() throws Exception {
        try (Socket s = new Socket("127.0.0.1", f.proxy.apiPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 2; i++) {
                out.write(("GET /api/routes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: token "
                        + ProxyFixture.TOKEN + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                byte[] buf = new byte[4096];
                int n = in.read(buf);
                assertThat(new String(buf, 0, n, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
                // Longer than both timeouts: the request was complete, so nothing is pending.
                Thread.sleep(REQUEST_MS + 500);
            }
        }
    }

    @Test
    void honestRequestsAreAnsweredMeanwhileAndOnAKeptAliveConnectionAfterAPause() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", f.proxy.publicPort())) {
            slow.getOutputStream().write("GET /user/alice/ HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(f.get("/user/alice/ok").statusCode()).isEqualTo(200);
        }
        String twoRequests = f.raw("GET /user/alice/a HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(twoRequests).startsWith("HTTP/1.1 200");
    }
}
