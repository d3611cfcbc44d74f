package io.notebookhub.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolverGroup;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.net.InetSocketAddress;

/**
 * The only place where the proxy reaches under Vert.x's public API to the Netty objects beneath it (proxy/DESIGN.md
 * says why each is needed). Each method is one cast or one call, so a Vert.x upgrade that moves one of them breaks
 * the build here, or VertxNettyTest, and nowhere else. {@link StrictRequestDecoder} extends Vert.x's request decoder
 * and is the one other class that names a Vert.x implementation type.
 */
final class VertxNetty {
    private VertxNetty() {
    }

    /** The event loop a verticle's context runs on, so target connections share it and a request never hops threads. */
    static EventLoop eventLoop(Context context) {
        return ((ContextInternal) context).nettyEventLoop();
    }

    /** The socket channel type of Vert.x's transport (epoll or NIO), the one that fits its event loops. */
    static ChannelFactory<? extends Channel> socketChannels(Vertx vertx) {
        return ((VertxInternal) vertx).transport().channelFactory(false);
    }

    /** Vert.x's asynchronous DNS resolver (with its options and cache), for target connections. */
    static AddressResolverGroup<InetSocketAddress> resolver(Vertx vertx) {
        return ((VertxInternal) vertx).nameResolver().nettyAddressResolverGroup();
    }

    /** The Netty channel of a server connection, whose pipeline the proxy adds its guards to. */
    static Channel channel(HttpConnection connection) {
        return ((ConnectionBase) connection).channel();
    }

    /** A Vert.x buffer over a Netty buffer, without a copy; the caller keeps the reference and releases it. */
    static Buffer wrap(ByteBuf buf) {
        return BufferInternal.buffer(buf);
    }

    /** The Netty buffer under a Vert.x buffer (a view with its own indices), without a copy. */
    static ByteBuf unwrap(Buffer buf) {
        return ((BufferInternal) buf).getByteBuf();
    }

    /**
     * Vert.x's HTTP/1 header map is also Netty's {@code HttpHeaders}: an upstream request head built on it needs no
     * copy of the headers. Fails at once (ClassCastException) if a Vert.x release separates the two.
     */
    static io.netty.handler.codec.http.HttpHeaders nettyHeaders(MultiMap headersFromHttpHeadersFactory) {
        return (io.netty.handler.codec.http.HttpHeaders) headersFromHttpHeadersFactory;
    }
}
