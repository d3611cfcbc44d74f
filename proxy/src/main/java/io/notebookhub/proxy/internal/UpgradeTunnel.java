package io.notebookhub.proxy.internal;

import io.notebookhub.proxy.ProxyOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * WebSocket upgrades over a plain TCP (or TLS) connection of their own, outside the target connection pool:
 * a tunnel holds its connection for hours, and pooled connections are capped per target, so 2,000 open
 * kernels behind one target must not wait for pool slots. The upgrade request is written by hand, the
 * target's response head is read by hand, and on 101 both sockets are spliced.
 */
final class UpgradeTunnel {
    private static final int MAX_HEAD = 64 * 1024;
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

    private final Vertx vertx;
    private final NetClient plain;
    private final NetClient tls;
    private final long headTimeoutMillis;

    UpgradeTunnel(Vertx vertx, ProxyOptions o) {
        this.vertx = vertx;
        NetClientOptions base = new NetClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, o.connectTimeoutMillis()))
                .setTcpNoDelay(true);
        this.plain = vertx.createNetClient(base);
        NetClientOptions secure = new NetClientOptions(base).setSsl(true)
                .setTrustAll(o.insecure()).setHostnameVerificationAlgorithm(o.insecure() ? "" : "HTTPS");
        if (o.clientSslKey() != null) {
            secure.setKeyCertOptions(new PemKeyCertOptions().setKeyPath(o.clientSslKey()).setCertPath(o.clientSslCert()));
        }
        if (o.clientSslCa() != null) {
            secure.setTrustOptions(new PemTrustOptions().addCertPath(o.clientSslCa()));
        }
        this.tls = vertx.createNetClient(secure);
        this.headTimeoutMillis = o.proxyTimeoutMillis() > 0 ? o.proxyTimeoutMillis() : o.connectTimeoutMillis();
    }

    /**
     * @param headers the request headers to send (hop-by-hop already removed, Upgrade/Connection set)
     * @param failed told about connect failures and silent targets, before anything was sent to the client
     */
    void open(HttpServerRequest req, RouteEntry entry, String uri, MultiMap headers,
              BiConsumer<RouteEntry, Throwable> failed) {
        req.pause();
        Handshake handshake = new Handshake(req, entry, failed);
        // A browser tab closed during the handshake must not leave the target's connection open for hours.
        req.response().closeHandler(v -> handshake.clientLeft());
        Target t = entry.parsedTarget();
        (t.ssl() ? tls.connect(t.address(), t.host()) : plain.connect(t.address())).onComplete(ar -> {
            if (ar.failed()) {
                handshake.fail(ar.cause());
            } else {
                handshake.send(ar.result(), uri, headers);
            }
        });
    }

    /**
     * One upgrade from connect to splice. It ends once: by the target's answer, by a failure told to the caller, or
     * by the client leaving, which closes the target's connection whatever stage the handshake had reached.
     */
    private final class Handshake {
        private final HttpServerRequest req;
        private final RouteEntry entry;
        private final BiConsumer<RouteEntry, Throwable> failed;
        private final Buffer received = Buffer.buffer(1024);
        private NetSocket up;
        private long timer = -1;
        private boolean answered;
        private boolean ended;

        Handshake(HttpServerRequest req, RouteEntry entry, BiConsumer<RouteEntry, Throwable> failed) {
            this.req = req;
            this.entry = entry;
            this.failed = failed;
        }

        void send(NetSocket target, String uri, MultiMap headers) {
            up = target;
            if (ended) {
                target.close();
                return;
            }
            StringBuilder head = new StringBuilder(512).append("GET ").append(uri).append(" HTTP/1.1\r\n");
            for (Map.Entry<String, String> h : headers) {
                head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
            }
            head.append("\r\n");
            timer = vertx.setTimer(headTimeoutMillis, id -> fail(new java.util.concurrent.TimeoutException(
                    "no upgrade response within " + headTimeoutMillis + " ms")));
            up.handler(this::received);
            up.exceptionHandler(this::fail);
            up.closeHandler(v -> fail(new io.vertx.core.http.HttpClosedException("closed before upgrade response")));
            up.write(Buffer.buffer(head.toString().getBytes(StandardCharsets.ISO_8859_1)));
        }

        private void received(Buffer chunk) {
            if (answered || ended) {
                return;
            }
            received.appendBuffer(chunk);
            int end = indexOf(received, HEAD_END);
            if (end < 0) {
                if (received.length() > MAX_HEAD) {
                    fail(new IllegalStateException("upgrade response head too large"));
                }
                return;
            }
            answered = true;
            vertx.cancelTimer(timer);
            up.pause();
            answer(received.getString(0, end, "ISO-8859-1"), received.getBuffer(end + 4, received.length()));
        }

        void fail(Throwable cause) {
            if (answered || ended) {
                return;
            }
            ended = true;
            vertx.cancelTimer(timer);
            if (up != null) {
                up.close();
            }
            req.resume();
            failed.accept(entry, cause);
        }

        void clientLeft() {
            if (ended) {
                return;
            }
            ended = true;
            vertx.cancelTimer(timer);
            if (up != null) {
                up.close();
            }
        }

        private void answer(String head, Buffer rest) {
            String[] lines = head.split("\r\n");
            int status = parseStatus(lines[0]);
            HttpServerResponse sr = req.response();
            if (status != 101) {
                ended = true;
                // Browsers never show a refused handshake's body to scripts; status and headers carry the answer.
                up.close();
                req.resume();
                sr.setStatusCode(status < 100 ? 502 : status);
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0) {
                        String name = lines[i].substring(0, colon).trim();
                        if (!HopHeaders.isHopByHop(name) && !name.equalsIgnoreCase("content-length")) {
                            sr.headers().add(name, lines[i].substring(colon + 1).trim());
                        }
                    }
                }
                sr.putHeader(HttpHeaders.CONNECTION, "close").end();
                return;
            }
            sr.setStatusCode(101);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    sr.headers().add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
                }
            }
            // Until the client's connection is a socket, its close reaches clientLeft; from then on the splice
            // closes each side with the other.
            req.toNetSocket().onComplete(sar -> {
                if (ended || sar.failed()) {
                    ended = true;
                    up.close();
                    return;
                }
                ended = true;
                NetSocket down = sar.result();
                if (rest.length() > 0) {
                    down.write(rest);
                }
                WebSocketSplice.splice(down, up, entry);
            });
        }
    }

    private static int parseStatus(String statusLine) {
        // "HTTP/1.1 101 Switching Protocols"
        String[] parts = statusLine.split(" ", 3);
        try {
            return parts.length >= 2 ? Integer.parseInt(parts[1]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int indexOf(Buffer b, byte[] needle) {
        outer:
        for (int i = 0; i <= b.length() - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    void close() {
        plain.close();
        tls.close();
    }
}
