package io.notebookhub.proxy.internal;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

/**
 * Vert.x's request decoder, except that a request carrying both Content-Length and
 * Transfer-Encoding: chunked is marked as failed to decode (the server's invalid-request handler then
 * answers 400 and closes) instead of having its Content-Length silently dropped, Netty's default.
 * Refusing is the safe reading of RFC 9112 section 6.1 for a proxy: the two framings together are the
 * classic request-smuggling vector.
 *
 * <p>Vert.x offers no public option for this. Its server calls the connection handler synchronously
 * once the HTTP/1 pipeline is built and before the channel's first request byte reaches the decoder
 * (after the TLS handshake under TLS), so {@link #createServer} swaps the decoder there. The only
 * internal it needs beyond this class is the connection's channel ({@link VertxNetty#channel}).
 * HardeningTest and StrictRequestDecoderTest fail if a Vert.x upgrade breaks this; proxy/DESIGN.md.
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
        HttpServer server = vertx.createHttpServer(options);
        server.connectionHandler(connection -> install(connection, options, headersTimeoutMillis, requestTimeoutMillis));
        return server;
    }

    private static void install(HttpConnection connection, HttpServerOptions options, long headersTimeoutMillis,
                                long requestTimeoutMillis) {
        ChannelPipeline pipeline = VertxNetty.channel(connection).pipeline();
        if (!(pipeline.get(DECODER) instanceof VertxHttpRequestDecoder)) {
            // Not Vert.x's HTTP/1 decoder where expected: serving without the check would be silent, so refuse.
            pipeline.channel().close();
            throw new IllegalStateException("no Vert.x HTTP/1 request decoder named " + DECODER + " in "
                    + pipeline.names() + "; Vert.x changed its pipeline, see proxy/DESIGN.md");
        }
        pipeline.replace(DECODER, DECODER, new StrictRequestDecoder(options));
        if (headersTimeoutMillis > 0 || requestTimeoutMillis > 0) {
            SlowClientGuard.install(pipeline.channel(), headersTimeoutMillis, requestTimeoutMillis)
                    .watchMessagesAfter(DECODER);
        }
    }
}
