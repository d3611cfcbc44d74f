package io.notebookhub.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each thing the proxy takes from under Vert.x's public API (proxy/DESIGN.md), checked for what the proxy relies
 * on, so that a Vert.x upgrade that changes one fails here with its name rather than as a slow or lax proxy.
 */
class VertxNettyTest {
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theEventLoopOfAContextIsTheThreadItsTasksRunOn() throws Exception {
        Context context = vertx.getOrCreateContext();
        CompletableFuture<Boolean> inLoop = new CompletableFuture<>();
        context.runOnContext(v -> inLoop.complete(VertxNetty.eventLoop(context).inEventLoop()));
        assertThat(inLoop.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aSocketChannelOfVertxTransportRegistersOnAVertxEventLoopAndItsResolverFindsLocalhost() throws Exception {
        Context context = vertx.getOrCreateContext();
        EventLoop loop = VertxNetty.eventLoop(context);
        Channel channel = VertxNetty.socketChannels(vertx).newChannel();
        try {
            assertThat(loop.register(channel).await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(channel.isRegistered()).as("channel type fits the event loop").isTrue();
        } finally {
            channel.close().await(10, TimeUnit.SECONDS);
        }
        InetSocketAddress resolved = VertxNetty.resolver(vertx).getResolver(loop)
                .resolve(InetSocketAddress.createUnresolved("localhost", 80)).get(10, TimeUnit.SECONDS);
        assertThat(resolved.isUnresolved()).isFalse();
        assertThat(resolved.getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void aServerConnectionHandsItsChannelToTheConnectionHandlerBeforeTheDecoderHasSeenAByte() throws Exception {
        CompletableFuture<List<String>> seen = new CompletableFuture<>();
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
                .connectionHandler(c -> {
                    ChannelPipeline p = VertxNetty.channel(c).pipeline();
                    seen.complete(List.of(String.valueOf(p.get("httpDecoder") instanceof VertxHttpRequestDecoder),
                            String.valueOf(p.channel().eventLoop().inEventLoop())));
                })
                .requestHandler(req -> req.response().end());
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            // Nothing is sent: the handler must run on accept, while the decoder is still untouched.
            assertThat(seen.get(10, TimeUnit.SECONDS))
                    .as("[Vert.x's request decoder is in the pipeline as \"httpDecoder\", handler on the channel's loop]")
                    .containsExactly("true", "true");
        }
    }

    @Test
    void wrappingAndUnwrappingABufferSharesTheBytesInsteadOfCopyingThem() {
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        try {
            pooled.writeBytes("hello".getBytes(StandardCharsets.US_ASCII));
            Buffer wrapped = VertxNetty.wrap(pooled);
            assertThat(wrapped.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
            pooled.setByte(0, 'j');
            assertThat(wrapped.toString(StandardCharsets.US_ASCII)).as("a view, not a copy").isEqualTo("jello");
            assertThat(pooled.refCnt()).as("wrapping takes no reference").isEqualTo(1);

            Buffer heap = Buffer.buffer("abc");
            ByteBuf under = VertxNetty.unwrap(heap);
            under.setByte(0, 'x');
            assertThat(heap.toString()).as("a view, not a copy").isEqualTo("xbc");
        } finally {
            pooled.release();
        }
    }

    @Test
    void vertxHttp1HeadersAreNettyHeaders() {
        MultiMap headers = HttpHeaders.headers();
        headers.add("X-One", "1");
        io.netty.handler.codec.http.HttpHeaders netty = VertxNetty.nettyHeaders(headers);
        assertThat(netty.get("x-one")).isEqualTo("1");
        netty.add("X-Two", "2");
        assertThat(headers.get("X-Two")).isEqualTo("2");
    }

    @Test
    void theServerOfStrictRequestDecoderRefusesContentLengthWithChunkedAtTheDecoder() throws Exception {
        Promise<Integer> invalid = Promise.promise();
        HttpServer server = StrictRequestDecoder.createServer(vertx, new HttpServerOptions().setHttp2ClearTextEnabled(false))
                .invalidRequestHandler(req -> {
                    invalid.tryComplete(1);
                    req.response().setStatusCode(400).end();
                })
                .requestHandler(req -> req.response().end("ok"));
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 400");
        }
        assertThat(invalid.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }
}
