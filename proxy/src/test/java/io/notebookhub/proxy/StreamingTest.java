package io.notebookhub.proxy;

import static io.notebookhub.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streams bodies several times larger than this JVM's whole heap (the module's surefire runs with
 * -Xmx160m): the proxy can only pass them by streaming with back-pressure.
 */
class StreamingTest {
    private static final long SIZE = 640L * 1024 * 1024;
    private ProxyFixture f;
    private HttpClient client;

    @BeforeEach
    void start() {
        f = ProxyFixture.aliceOnItsOwnVertx();
        client = f.vertx.createHttpClient();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void streamsAnUploadLargerThanTheHeap() {
        assertThat(Runtime.getRuntime().maxMemory()).isLessThan(SIZE);
        Future<String> counted = client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                        .setPort(f.proxy.publicPort()).setURI("/user/alice/upload"))
                .compose(req -> {
                    req.putHeader("Content-Length", Long.toString(SIZE));
                    return writeChunks(req).compose(v -> req.response()).compose(r -> r.body()).map(Buffer::toString);
                });
        assertThat(await(counted)).isEqualTo(Long.toString(SIZE));
    }

    @Test
    void streamsADownloadLargerThanTheHeap() {
        Future<Long> received = client.request(HttpMethod.GET, f.proxy.publicPort(), "127.0.0.1",
                        "/user/alice/download?size=" + SIZE)
                .compose(HttpClientRequest::send)
                .compose(resp -> {
                    Promise<Long> done = Promise.promise();
                    long[] n = {0};
                    resp.handler(b -> n[0] += b.length());
                    resp.endHandler(v -> done.complete(n[0]));
                    resp.exceptionHandler(done::fail);
                    return done.future();
                });
        assertThat(await(received)).isEqualTo(SIZE);
    }

    private Future<Void> writeChunks(HttpClientRequest req) {
        Promise<Void> done = Promise.promise();
        Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
        long[] sent = {0};
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            while (sent[0] < SIZE && !req.writeQueueFull()) {
                req.write(chunk);
                sent[0] += chunk.length();
            }
            if (sent[0] >= SIZE) {
                req.end().onComplete(done);
            } else {
                req.drainHandler(v -> pump[0].run());
            }
        };
        pump[0].run();
        return done.future();
    }
}
