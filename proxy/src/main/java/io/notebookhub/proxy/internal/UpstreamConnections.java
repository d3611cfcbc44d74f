package io.notebookhub.proxy.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import io.notebookhub.proxy.ProxyOptions;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Keep-alive connections to targets for one event loop, at most {@code maxPerTarget} per target; requests
 * beyond that wait for a connection to come back. Only ever used from its event loop, so nothing is locked.
 *
 * <p>Why not Vert.x's HTTP client: it copies every response chunk out of Netty's pooled buffer into a fresh
 * heap array, and Netty copies that array again into native memory to write it to the client. Here the
 * buffer the target's bytes were read into is the one written to the client (bench/proxy: the two copies
 * were a fifth of the proxy's CPU on 100 KB responses).
 */
final class UpstreamConnections {
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final int MAX_CHUNK = 64 * 1024;

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Vertx vertx;
    /** Built when the first https target is reached (most deployments have none); see {@link #ssl()}. */
    private SslContext ssl;
    private final boolean verifyHost;
    private final ProxyOptions options;
    private final Map<Target, TargetPool> pools = new HashMap<>();
    private final io.netty.util.concurrent.ScheduledFuture<?> sweeper;

    UpstreamConnections(Vertx vertx, EventLoop loop, ProxyOptions options) throws Exception {
        this.loop = loop;
        this.options = options;
        this.verifyHost = !options.insecure();
        this.vertx = vertx;
        // Files the options name are read now, so that a bad one stops the start; TLS with no options waits for use.
        this.ssl = options.insecure() || options.clientSslCa() != null || options.clientSslKey() != null
                ? sslContext(vertx, options) : null;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory(VertxNetty.socketChannels(vertx))
                .resolver(VertxNetty.resolver(vertx))
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, options.connectTimeoutMillis()));
        this.sweeper = loop.scheduleWithFixedDelay(this::closeExpired, 15, 15, TimeUnit.SECONDS);
    }

    /** Finds a connection for the exchange: an idle one, a new one, or a place in the target's queue. */
    void acquire(Target target, UpstreamExchange exchange) {
        TargetPool pool = pools.get(target);
        if (pool == null) {
            pool = new TargetPool(target);
            pools.put(target, pool);
        }
        pool.acquire(exchange);
    }

    /** Takes an exchange out of its target's queue (its client went away); false if it was not waiting. */
    boolean cancel(Target target, UpstreamExchange exchange) {
        TargetPool pool = pools.get(target);
        return pool != null && pool.waiting.remove(exchange);
    }

    void close() {
        sweeper.cancel(false);
        for (TargetPool pool : pools.values()) {
            for (UpstreamConnection c : pool.idle) {
                c.abort();
            }
        }
    }

    private void closeExpired() {
        long now = System.nanoTime();
        for (TargetPool pool : pools.values().toArray(TargetPool[]::new)) {
            for (Iterator<UpstreamConnection> it = pool.idle.iterator(); it.hasNext(); ) {
                UpstreamConnection c = it.next();
                if (now - c.idleSince > KEEP_ALIVE_NANOS) {
                    it.remove();
                    c.abort();
                }
            }
        }
    }

    /** The connections to one target. */
    final class TargetPool {
        private final Target target;
        private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
        private final ArrayDeque<UpstreamExchange> waiting = new ArrayDeque<>();
        private int open;

        TargetPool(Target target) {
            this.target = target;
        }

        void acquire(UpstreamExchange exchange) {
            // Most recently used first: it is the least likely to have been closed by the target.
            UpstreamConnection c = idle.pollLast();
            if (c != null) {
                exchange.connected(c, true);
            } else if (open < options.maxConnectionsPerTarget()) {
                connect(exchange);
            } else {
                waiting.addLast(exchange);
            }
        }

        void release(UpstreamConnection c) {
            UpstreamExchange next = waiting.pollFirst();
            if (next != null) {
                next.connected(c, true);
            } else {
                c.idleSince = System.nanoTime();
                idle.addLast(c);
            }
        }

        void closed(UpstreamConnection c) {
            open--;
            idle.remove(c);
            serveWaiting();
        }

        private void serveWaiting() {
            while (!waiting.isEmpty() && open < options.maxConnectionsPerTarget()) {
                connect(waiting.pollFirst());
            }
            if (open == 0 && waiting.isEmpty()) {
                pools.remove(target, this);
            }
        }

        private void connect(UpstreamExchange exchange) {
            open++;
            UpstreamConnection connection = new UpstreamConnection(this, options.proxyTimeoutMillis());
            ChannelFuture f = bootstrap.clone()
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            pipeline(ch.pipeline(), connection);
                        }
                    })
                    .connect(InetSocketAddress.createUnresolved(target.host(), target.port()));
            f.addListener(done -> {
                if (done.isSuccess()) {
                    exchange.connected(connection, false);
                } else {
                    open--;
                    exchange.connectFailed(done.cause());
                    serveWaiting();
                }
            });
        }

        private void pipeline(ChannelPipeline p, UpstreamConnection connection) {
            if (target.ssl()) {
                SSLEngine engine = ssl().newEngine(p.channel().alloc(), target.host(), target.port());
                if (verifyHost) {
                    SSLParameters params = engine.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    engine.setSSLParameters(params);
                }
                p.addLast("ssl", new SslHandler(engine));
            }
            p.addLast("codec", new HttpClientCodec(new HttpDecoderConfig()
                    .setMaxInitialLineLength(options.maxUrlLength())
                    .setMaxHeaderSize(options.maxHeaderSize())
                    .setMaxChunkSize(MAX_CHUNK)
                    .setValidateHeaders(false), false, false));
            if (options.proxyTimeoutMillis() > 0) {
                p.addLast("timeout", new IdleStateHandler(options.proxyTimeoutMillis(), 0, 0, TimeUnit.MILLISECONDS));
            }
            p.addLast("exchange", connection);
        }
    }

    /** On the lane's event loop, like every use of this class, so the lazy build needs no lock. */
    private SslContext ssl() {
        if (ssl == null) {
            try {
                ssl = sslContext(vertx, options);
            } catch (Exception e) {
                throw new IllegalStateException("cannot set up TLS to https targets: " + e.getMessage(), e);
            }
        }
        return ssl;
    }

    private static SslContext sslContext(Vertx vertx, ProxyOptions o) throws Exception {
        SslContextBuilder b = SslContextBuilder.forClient();
        if (o.insecure()) {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (o.clientSslCa() != null) {
            b.trustManager(new PemTrustOptions().addCertPath(o.clientSslCa()).getTrustManagerFactory(vertx));
        }
        if (o.clientSslKey() != null) {
            b.keyManager(new PemKeyCertOptions().setKeyPath(o.clientSslKey()).setCertPath(o.clientSslCert())
                    .getKeyManagerFactory(vertx));
        }
        return b.build();
    }
}
