package io.notebookhub.proxy;

import static io.notebookhub.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HardeningTest {
    private Vertx vertx;
    private ProxyFixture f;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        TestBackend hub = TestBackend.start(vertx, "hub");
        TestBackend alice = TestBackend.start(vertx, "alice");
        TestBackend bob = TestBackend.start(vertx, "bob");
        f = new ProxyFixture(vertx, ProxyFixture.defaults().defaultTarget(hub.url()).maxUrlLength(4096).maxHeaderSize(8192));
        f.route("/user/alice", alice.url());
        f.route("/user/bob", bob.url());
    }

    @AfterEach
    void stop() {
        f.close();
        await(vertx.close());
    }

    private String get(String rawTarget) throws Exception {
        return f.raw("GET " + rawTarget + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/user/alice/../bob/", "/user/alice/%2e%2e/bob/", "/user/alice/%2E%2e/bob/api", "/user/alice/.%2E/bob",
        "/user/alice/..%2f..%2fbob/", "/user/alice%2F..%2Fbob/", "//user/alice/..//bob/", "/user/alice/./../bob",
    })
    void encodedTraversalNeverReachesAnotherUsersServer(String path) throws Exception {
        String resp = get(path);
        assertThat(resp).startsWith("HTTP/1.1 ");
        assertThat(resp).doesNotContain("\"backend\":\"bob\"");
    }

    @Test
    void collapsedSlashesStillRouteToTheRightUser() throws Exception {
        assertThat(get("//user//alice//lab")).contains("\"backend\":\"alice\"").contains("\"uri\":\"/user/alice/lab\"");
    }

    @Test
    void refusesARequestWithBothContentLengthAndTransferEncoding() throws Exception {
        String resp = f.raw("POST /user/alice/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /user/bob/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(resp).matches("(?s)HTTP/1\\.[01] 400.*");
        assertThat(resp).doesNotContain("\"backend\"");
    }

    @Test
    void refusesAnObfuscatedTransferEncoding() throws Exception {
        String resp = f.raw("POST /user/alice/x HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: xchunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n");
        assertThat(resp).startsWith("HTTP/1.1 4");
        assertThat(resp).doesNotContain("\"backend\"");
    }

    @Test
    void refusesDuplicateContentLengths() throws Exception {
        String resp = f.raw("POST /user/alice/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"
                + "hello!");
        assertThat(resp).startsWith("HTTP/1.1 400");
        assertThat(resp).doesNotContain("\"backend\"");
    }

    @Test
    void neverPassesOnABadChunk() throws Exception {
        String resp = f.raw("POST /user/alice/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "zz\r\nhello\r\n0\r\n\r\n");
        // Either refused outright or the connection dropped: never a 200 from the target.
        assertThat(resp).doesNotContain("200 OK");
    }

    @Test
    void refusesOverlongUrlsAndHeaders() throws Exception {
        assertThat(get("/user/alice/" + "a".repeat(5000))).matches("(?s)HTTP/1\\.[01] 414.*");
        String big = f.raw("GET /user/alice/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n");
        assertThat(big).matches("(?s)HTTP/1\\.[01] 431.*");
    }

    @Test
    void refusesControlCharactersInThePath() throws Exception {
        assertThat(get("/user/alice/%00/x")).startsWith("HTTP/1.1 400");
    }
}
