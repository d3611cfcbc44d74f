package io.notebookhub.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeoutException;

/**
 * One keep-alive HTTP/1.1 connection to a target, carrying one exchange at a time. It goes back to its pool
 * only when both the request and the response have ended and the target did not ask to close.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {
    private final UpstreamConnections.TargetPool pool;
    private final long responseTimeoutMillis;
    private Channel channel;
    private UpstreamExchange exchange;
    private boolean requestEnded;
    private boolean responseEnded;
    private boolean responseStarted;
    private boolean informational;
    private boolean keepAlive;
    /** When this connection last went back to the pool (System.nanoTime). */
    long idleSince;

    UpstreamConnection(UpstreamConnections.TargetPool pool, long responseTimeoutMillis) {
        this.pool = pool;
        this.responseTimeoutMillis = responseTimeoutMillis;
    }

    /** Writes the request head; a request without a body has ended with it. */
    void send(UpstreamExchange ex, HttpRequest head, boolean hasBody) {
        exchange = ex;
        requestEnded = false;
        responseEnded = false;
        responseStarted = false;
        informational = false;
        keepAlive = true;
        if (hasBody) {
            channel.writeAndFlush(head, channel.voidPromise());
        } else {
            channel.write(head, channel.voidPromise());
            endRequest();
        }
    }

    /** Hands back a connection that was given to an exchange which no longer needs it, before anything was sent. */
    void unused() {
        pool.release(this);
    }

    /** Writes a piece of the request body; ownership of {@code chunk} passes to the connection. */
    void writeBody(ByteBuf chunk) {
        channel.writeAndFlush(new DefaultHttpContent(chunk), channel.voidPromise());
    }

    void endRequest() {
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
        requestEnded = true;
        releaseIfDone();
    }

    boolean isWritable() {
        return channel.isWritable();
    }

    /** Stops (or restarts) reading the response while the client cannot take more. */
    void readResponse(boolean on) {
        channel.config().setAutoRead(on);
    }

    /** Gives up on the exchange: the connection is closed (its state mid-message is unknown) and never reused. */
    void abort() {
        exchange = null;
        channel.close();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamExchange ex = exchange;
        if (ex == null) {
            // Bytes nobody asked for (or the rest of an aborted response): this connection is not reusable.
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse head) {
            if (head.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                fail(head.decoderResult().cause());
                return;
            }
            int status = head.status().code();
            if (status >= 100 && status < 200 && status != 101) {
                informational = true;
            } else {
                responseStarted = true;
                keepAlive = HttpUtil.isKeepAlive(head);
                ex.responseHead(head);
            }
        }
        if (msg instanceof HttpContent content) {
            if (content.decoderResult().isFailure()) {
                content.release();
                fail(content.decoderResult().cause());
                return;
            }
            boolean last = content instanceof LastHttpContent;
            if (informational) {
                content.release();
                informational = !last;
                return;
            }
            ByteBuf body = content.content();
            if (last) {
                responseEnded = true;
                ex.responseEnd(body, ((LastHttpContent) content).trailingHeaders());
                releaseIfDone();
            } else if (body.isReadable()) {
                ex.responseContent(body);
            } else {
                body.release();
            }
        }
    }

    private void releaseIfDone() {
        if (!requestEnded || !responseEnded || exchange == null) {
            return;
        }
        exchange = null;
        if (keepAlive && channel.isActive()) {
            channel.config().setAutoRead(true);
            pool.release(this);
        } else {
            channel.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        UpstreamExchange ex = exchange;
        if (ex != null) {
            ex.writabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof IdleStateEvent idle)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (exchange != null && idle.state() == IdleState.READER_IDLE && ctx.channel().config().isAutoRead()) {
            // Reading paused for a slow client is not the target's silence.
            fail(new TimeoutException("no response from the target within " + responseTimeoutMillis + " ms"));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            fail(new UpstreamClosedException(responseStarted
                    ? "target closed the connection during the response"
                    : "target closed the connection before responding"));
        }
        pool.closed(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
    }

    private void fail(Throwable cause) {
        UpstreamExchange ex = exchange;
        exchange = null;
        channel.close();
        if (ex != null && !responseEnded) {
            ex.failed(cause, !responseStarted);
        }
    }

    /** The target closed a connection mid-exchange; on a reused connection before any response, a keep-alive race. */
    static final class UpstreamClosedException extends Exception {
        UpstreamClosedException(String message) {
            super(message, null, false, false);
        }
    }
}
