package io.notebookhub.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections of clients too slow to be honest (slowloris): a request's head must arrive within the headers
 * timeout of its first byte (or of the connection opening), and the whole request within the request timeout —
 * Node's {@code headersTimeout} and {@code requestTimeout}, which configurable-http-proxy inherits. Timers run on the
 * channel's own event loop; nothing is done per read once a request's head is in, until the next request starts. A
 * WebSocket upgrade ends the guard: the connection is then a tunnel that may rightly stay quiet.
 */
final class SlowClientGuard {
    private final Channel channel;
    private final long headersMillis;
    private final long requestMillis;
    private ScheduledFuture<?> headTimer;
    private ScheduledFuture<?> requestTimer;
    /** Between a request's first byte and its last: further bytes need no look. */
    private boolean inRequest;
    private boolean off;

    private SlowClientGuard(Channel channel, long headersMillis, long requestMillis) {
        this.channel = channel;
        this.headersMillis = headersMillis;
        this.requestMillis = requestMillis;
    }

    /** Puts the byte watcher at the head of a new channel's pipeline and starts the first request's clock. */
    static SlowClientGuard install(Channel channel, long headersMillis, long requestMillis) {
        SlowClientGuard guard = new SlowClientGuard(channel, headersMillis, requestMillis);
        channel.pipeline().addFirst("nbhubSlowClientBytes", guard.new Bytes());
        guard.requestStarted();
        return guard;
    }

    /** Puts the message watcher after the HTTP decoder, once the decoder is in the pipeline. */
    void watchMessagesAfter(String decoderName) {
        if (channel.pipeline().get("nbhubSlowClientMessages") == null) {
            channel.pipeline().addAfter(decoderName, "nbhubSlowClientMessages", new Messages());
        }
    }

    private void requestStarted() {
        inRequest = true;
        Runnable close = channel::close;
        if (headersMillis > 0) {
            headTimer = channel.eventLoop().schedule(close, headersMillis, TimeUnit.MILLISECONDS);
        }
        if (requestMillis > 0) {
            requestTimer = channel.eventLoop().schedule(close, requestMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void headArrived(HttpRequest head) {
        cancel(headTimer);
        headTimer = null;
        if (head.headers().contains(HttpHeaderNames.UPGRADE)) {
            stop();
        }
    }

    private void requestEnded() {
        cancel(headTimer);
        cancel(requestTimer);
        headTimer = null;
        requestTimer = null;
        inRequest = false;
    }

    private void stop() {
        requestEnded();
        off = true;
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Sees raw bytes: the first byte of a request starts its clocks. */
    private final class Bytes extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!off && !inRequest && msg instanceof ByteBuf b && b.isReadable()) {
                requestStarted();
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            stop();
            ctx.fireChannelInactive();
        }
    }

    /** Sees decoded messages: a request's head, and its end. */
    private final class Messages extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!off) {
                if (msg instanceof HttpRequest head) {
                    headArrived(head);
                }
                if (msg instanceof LastHttpContent && !off) {
                    requestEnded();
                }
            }
            ctx.fireChannelRead(msg);
        }
    }
}
