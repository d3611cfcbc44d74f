package io.notebookhub.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.SslChannelProvider;
import java.util.function.BiConsumer;

/**
 * Vert.x's request decoder, except that a request carrying both Content-Length and
 * Transfer-Encoding: chunked is marked as failed to decode (the server's invalid-request handler then
 * answers 400 and closes) instead of having its Content-Length silently dropped, Netty's default.
 * Refusing is the safe reading of RFC 9112 section 6.1 for a proxy: the two framings together are the
 * classic request-smuggling vector.
 *
 * <p>Vert.x offers no public hook before a connection's first bytes are decoded, so {@link #createServer}
 * extends Vert.x's server class to put a one-shot installer at the head of each new channel's pipeline;
 * on the first read it swaps the decoder (which has seen no bytes yet) and removes itself, so there is
 * no per-read cost afterwards. HardeningTest fails if a Vert.x upgrade breaks this.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
    private static final String DECODER = "httpDecoder";

    StrictRequestDecoder(HttpServerOptions options) {
        super(options);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        super.handleTransferEncodingChunkedWithContentLength(message);
        message.setDecoderResult(DecoderResult.failure(
                new IllegalArgumentException("both Content-Length and Transfer-Encoding")));
    }

    static HttpServer createServer(Vertx vertx, HttpServerOptions options) {
        return createServer(vertx, options, 0, 0);
    }

    /**
     * A server with the strict decoder and, when a timeout is above 0, a {@link SlowClientGuard} on every
     * connection.
     */
    static HttpServer createServer(Vertx vertx, HttpServerOptions options, long headersTimeoutMillis,
                                   long requestTimeoutMillis) {
        return new HttpServerImpl((VertxInternal) vertx, options) {
            @Override
            protected BiConsumer<Channel, SslChannelProvider> childHandler(ContextInternal context, SocketAddress address,
                                                                          GlobalTrafficShapingHandler shaper) {
                BiConsumer<Channel, SslChannelProvider> vertxInit = super.childHandler(context, address, shaper);
                return (channel, ssl) -> {
                    SlowClientGuard guard = headersTimeoutMillis > 0 || requestTimeoutMillis > 0
                            ? SlowClientGuard.install(channel, headersTimeoutMillis, requestTimeoutMillis) : null;
                    channel.pipeline().addFirst("nbhubStrictInstaller", new Installer(options, guard));
                    vertxInit.accept(channel, ssl);
                };
            }
        };
    }

    private static final class Installer extends ChannelInboundHandlerAdapter {
        private final HttpServerOptions options;
        private final SlowClientGuard guard;

        Installer(HttpServerOptions options, SlowClientGuard guard) {
            this.options = options;
            this.guard = guard;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // Under TLS the decoder appears only after the handshake, so wait for it while reads pass by.
            if (ctx.pipeline().get(DECODER) instanceof VertxHttpRequestDecoder decoder) {
                if (!(decoder instanceof StrictRequestDecoder)) {
                    ctx.pipeline().replace(DECODER, DECODER, new StrictRequestDecoder(options));
                }
                if (guard != null) {
                    guard.watchMessagesAfter(DECODER);
                }
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(msg);
        }
    }
}
