package io.notebookhub.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;

/**
 * One request carried over an upstream connection, as the connection sees it. Every call arrives on the
 * connection's event loop, in order: {@link #connected} or {@link #connectFailed}, then the response head,
 * its content and its end, or {@link #failed} at any point.
 */
interface UpstreamExchange {

    /** A connection is ready for this exchange (fresh, or reused from the pool when {@code reused}). */
    void connected(UpstreamConnection connection, boolean reused);

    void connectFailed(Throwable cause);

    /** The final response head (informational 1xx heads are not passed on). */
    void responseHead(HttpResponse head);

    /** A piece of the response body, as read from the socket; the exchange owns it and must release it. */
    void responseContent(ByteBuf content);

    /**
     * The response has ended.
     *
     * @param lastContent the end of the body read together with the end of the message (often the whole body
     *     of a small response), possibly empty; the exchange owns it and must release it
     */
    void responseEnd(ByteBuf lastContent, HttpHeaders trailers);

    /**
     * The connection failed or closed before the response ended.
     *
     * @param beforeResponse nothing of the response had arrived yet
     */
    void failed(Throwable cause, boolean beforeResponse);

    /** The connection's write buffer crossed its high or low water mark (request body back-pressure). */
    void writabilityChanged(boolean writable);
}
