package io.notebookhub.culler;

import io.notebookhub.culler.internal.CullRound;
import io.notebookhub.culler.internal.Limiter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds idle servers and stops them, in rounds: now ({@link #runOnce()}) or every {@code every}
 * ({@link #start()} until {@link #close()}). The same culler runs inside the hub and as the standalone
 * {@code culler} command; only the {@link CullTarget} differs.
 */
public final class Culler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Culler.class);

    private final Vertx vertx;
    private final Context context;
    private final CullerConfig config;
    private final CullPolicy policy;
    private final CullTarget target;
    private final ServerStateReader stateReader;
    private final InstantSource clock;
    private final CullListener listener;
    private Future<CullReport> running;
    private long timerId = -1;

    private Culler(Builder b) {
        this.vertx = b.vertx;
        this.context = b.vertx.getOrCreateContext();
        this.config = b.config;
        this.policy = b.policy != null ? b.policy : CullPolicy.byId(b.config.policy());
        this.target = b.target;
        this.stateReader = b.stateReader != null ? b.stateReader
                : ServerStateReader.http(b.vertx, Duration.ofSeconds(30));
        this.clock = b.clock;
        this.listener = b.listener;
    }

    public static Builder builder(Vertx vertx, CullTarget target) {
        return new Builder(vertx, target);
    }

    public CullerConfig config() {
        return config;
    }

    /**
     * Runs a round now. If a round is already running, returns that round instead of starting another.
     * The future never fails; failures are in the report.
     */
    public synchronized Future<CullReport> runOnce() {
        if (running != null && !running.isComplete()) {
            return running;
        }
        Limiter limiter = new Limiter(config.concurrency(), context);
        CullRound round = new CullRound(config, policy, target, stateReader, clock, listener, limiter);
        running = round.run();
        return running;
    }

    /** Runs a round now and then every {@code every}; a round still running when the next is due is not doubled. */
    public synchronized void start() {
        if (timerId >= 0) {
            return;
        }
        log.info("Culler started: policy {}, {}", policy.id(), config.describe());
        timerId = vertx.setPeriodic(1, config.every().toMillis(), id -> runOnce());
    }

    /** Stops the periodic rounds; a round in progress finishes on its own. */
    @Override
    public synchronized void close() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
            log.info("Culler stopped");
        }
    }

    /** Wiring for a {@link Culler}; only the Vert.x instance and the target are required. */
    public static final class Builder {
        private final Vertx vertx;
        private final CullTarget target;
        private CullerConfig config = CullerConfig.defaults();
        private ServerStateReader stateReader;
        private CullPolicy policy;
        private InstantSource clock = InstantSource.system();
        private CullListener listener = CullListener.NONE;

        private Builder(Vertx vertx, CullTarget target) {
            this.vertx = Objects.requireNonNull(vertx, "vertx");
            this.target = Objects.requireNonNull(target, "target");
        }

        public Builder config(CullerConfig value) {
            this.config = Objects.requireNonNull(value, "config");
            return this;
        }

        /** Replaces the policy named by {@code config.policy()}, for a policy of the hub's own. */
        public Builder policy(CullPolicy value) {
            this.policy = value;
            return this;
        }

        /** Defaults to {@link ServerStateReader#http} with a 30 s request timeout. */
        public Builder stateReader(ServerStateReader value) {
            this.stateReader = value;
            return this;
        }

        public Builder clock(InstantSource value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Builder listener(CullListener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        public Culler build() {
            return new Culler(this);
        }
    }
}
