package io.notebookhub.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * One public request carried to its target and the response carried back, each body streamed with
 * back-pressure: the client's request is paused while the upstream connection's buffer is full, and the
 * upstream connection stops reading while the client's write queue is full.
 */
final class ForwardedExchange implements UpstreamExchange {
    /** Told when the exchange cannot be completed; decides between an error page and a reset. */
    interface Failure {
        void failed(HttpServerRequest req, RouteEntry entry, Throwable cause);
    }

    /** What every exchange of one forwarding lane (event loop) shares. */
    record Lane(UpstreamConnections connections, Failure onFailure, ProxyMetrics metrics, RedirectRewrite redirects) { }

    private final Lane lane;
    private final HttpServerRequest req;
    private final HttpServerResponse sr;
    private final RouteEntry entry;
    private final HttpRequest head;
    private final boolean hasBody;
    private final boolean mayRetry;
    private UpstreamConnection connection;
    private boolean reused;
    private boolean done;
    private int status;

    /**
     * @param mayRetry a bodiless idempotent request whose reused connection turns out to have been closed by the
     *     target before it answered (a keep-alive race, not a failure) is sent once more
     */
    ForwardedExchange(Lane lane, HttpServerRequest req, RouteEntry entry, HttpRequest head, boolean hasBody,
                      boolean mayRetry) {
        this.lane = lane;
        this.req = req;
        this.sr = req.response();
        this.entry = entry;
        this.head = head;
        this.hasBody = hasBody;
        this.mayRetry = mayRetry && !hasBody && isIdempotent(req.method());
    }

    void start() {
        if (hasBody) {
            // Held still until a connection is found; Vert.x buffers what arrives meanwhile.
            req.pause();
        }
        sr.closeHandler(v -> clientGone());
        lane.connections().acquire(entry.parsedTarget(), this);
    }

    @Override
    public void connected(UpstreamConnection c, boolean reused) {
        if (done) {
            // The client left while this exchange waited; nothing was sent, so the connection is as good as new.
            c.unused();
            return;
        }
        connection = c;
        this.reused = reused;
        c.send(this, head, hasBody);
        if (!hasBody) {
            return;
        }
        req.handler(buf -> {
            c.writeBody(VertxNetty.unwrap(buf));
            if (!c.isWritable()) {
                req.pause();
            }
        });
        req.endHandler(v -> c.endRequest());
        req.exceptionHandler(err -> abort());
        req.resume();
    }

    @Override
    public void connectFailed(Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        if (hasBody) {
            req.resume();
        }
        lane.onFailure().failed(req, entry, cause);
    }

    @Override
    public void writabilityChanged(boolean writable) {
        if (writable && hasBody && !done) {
            req.resume();
        }
    }

    @Override
    public void responseHead(HttpResponse h) {
        if (sr.closed() || sr.ended()) {
            abort();
            return;
        }
        status = h.status().code();
        lane.metrics().proxied(status);
        sr.setStatusCode(status);
        sr.setStatusMessage(h.status().reasonPhrase());
        HopHeaders.copy(h.headers(), sr.headers(), null);
        if (lane.redirects().enabled() && RedirectRewrite.isRedirect(status)) {
            String location = sr.headers().get(HttpHeaders.LOCATION);
            if (location != null) {
                sr.headers().set(HttpHeaders.LOCATION,
                        lane.redirects().rewrite(location, entry.parsedTarget(), req.getHeader(HttpHeaders.HOST)));
            }
        }
        boolean bodyless = req.method() == HttpMethod.HEAD || status == 204 || status == 304;
        if (!bodyless && !sr.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            sr.setChunked(true);
        }
    }

    @Override
    public void responseContent(ByteBuf content) {
        if (done || sr.closed()) {
            content.release();
            return;
        }
        // The pooled buffer the target's bytes were read into goes to the client's socket as it is,
        // and back to the pool once written (or once the write has failed).
        sr.write(VertxNetty.wrap(content)).onComplete(ar -> content.release());
        if (sr.writeQueueFull()) {
            UpstreamConnection c = connection;
            c.readResponse(false);
            sr.drainHandler(v -> {
                if (!done) {
                    c.readResponse(true);
                }
            });
        }
    }

    @Override
    public void responseEnd(ByteBuf lastContent, io.netty.handler.codec.http.HttpHeaders trailers) {
        boolean wasDone = done;
        done = true;
        if (wasDone || sr.closed() || sr.ended()) {
            lastContent.release();
        } else if (lastContent.isReadable()) {
            // One write for the rest of the body and the end: for a small response, head, body and end together.
            sr.end(VertxNetty.wrap(lastContent)).onComplete(ar -> lastContent.release());
        } else {
            lastContent.release();
            sr.end();
        }
        if (status < 300) {
            entry.touchBackground(System.currentTimeMillis());
        }
    }

    @Override
    public void failed(Throwable cause, boolean beforeResponse) {
        if (done) {
            return;
        }
        done = true;
        if (!beforeResponse) {
            // Part of the response may be on its way to the client: only cutting the connection tells it so.
            if (!sr.closed()) {
                sr.reset();
            }
            return;
        }
        if (mayRetry && reused && cause instanceof UpstreamConnection.UpstreamClosedException
                && !sr.headWritten() && !sr.closed()) {
            new ForwardedExchange(lane, req, entry, head, false, false).start();
            return;
        }
        lane.onFailure().failed(req, entry, cause);
    }

    private void clientGone() {
        if (done) {
            return;
        }
        done = true;
        if (connection != null) {
            connection.abort();
        } else {
            lane.connections().cancel(entry.parsedTarget(), this);
        }
    }

    private void abort() {
        done = true;
        if (connection != null) {
            connection.abort();
        }
        if (!sr.closed()) {
            sr.reset();
        }
    }

    private static boolean isIdempotent(HttpMethod m) {
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS;
    }
}
