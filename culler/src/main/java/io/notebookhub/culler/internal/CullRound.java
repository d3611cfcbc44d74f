package io.notebookhub.culler.internal;

import io.notebookhub.culler.CullListener;
import io.notebookhub.culler.CullPolicy;
import io.notebookhub.culler.CullReport;
import io.notebookhub.culler.CullReport.Cause;
import io.notebookhub.culler.CullReport.CullFailure;
import io.notebookhub.culler.CullReport.CulledServer;
import io.notebookhub.culler.CullTarget;
import io.notebookhub.culler.CullTarget.StopOutcome;
import io.notebookhub.culler.CullerConfig;
import io.notebookhub.culler.ServerFacts;
import io.notebookhub.culler.ServerState;
import io.notebookhub.culler.ServerStateReader;
import io.notebookhub.culler.UserFacts;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One culling round: list servers, weigh each one's activity, stop the idle ones, then (with
 * {@code cull_users}) delete long-inactive users. Every per-server failure is caught and reported, so one
 * server that will not stop does not end the round.
 */
public final class CullRound {
    private static final Logger log = LoggerFactory.getLogger(CullRound.class);

    private final CullerConfig config;
    private final CullPolicy policy;
    private final CullTarget target;
    private final ServerStateReader reader;
    private final InstantSource clock;
    private final CullListener listener;
    private final Limiter limiter;

    public CullRound(CullerConfig config, CullPolicy policy, CullTarget target, ServerStateReader reader,
                     InstantSource clock, CullListener listener, Limiter limiter) {
        this.config = config;
        this.policy = policy;
        this.target = target;
        this.reader = reader;
        this.clock = clock;
        this.listener = listener;
        this.limiter = limiter;
    }

    /** Never fails: what went wrong is in the report's failures. */
    public Future<CullReport> run() {
        Instant startedAt = clock.instant();
        // Users are deleted concurrently, so their failures may arrive on several threads.
        List<CullFailure> listingFailures = Collections.synchronizedList(new ArrayList<>());
        return listServers(listingFailures)
                .compose(servers -> all(servers.stream().map(this::handleServer).toList())
                        .map(outcomes -> new ServersDone(servers.size(), outcomes)))
                .compose(done -> cullUsers(listingFailures).map(users -> report(startedAt, done, users, listingFailures)))
                .onSuccess(this::finish);
    }

    private Future<List<ServerFacts>> listServers(List<CullFailure> failures) {
        return target.readyServers().recover(err -> {
            failures.add(fail(new CullFailure(null, null, "list-servers", message(err))));
            return Future.succeededFuture(List.of());
        });
    }

    private Future<Outcome> handleServer(ServerFacts server) {
        if (exempt(server)) {
            inMdc(server.user(), server.serverName(), () -> log.debug("Not culling {}: exempt", server.displayName()));
            return Future.succeededFuture(Outcome.KEPT);
        }
        Duration age = Duration.between(server.started(), clock.instant());
        if (!config.maxAge().isZero() && age.toSeconds() > config.maxAge().toSeconds()) {
            String reason = "age " + age.toSeconds() + " s > " + config.maxAge().toSeconds() + " s (max_age), "
                    + profileText(server);
            return stop(server, Cause.MAX_AGE, reason, "started " + server.started());
        }
        return readState(server)
                .map(state -> policy.evaluate(server, state))
                .compose(evidence -> decide(server, evidence))
                .recover(err -> Future.succeededFuture(new Outcome(null,
                        fail(new CullFailure(server.user(), server.serverName(), "evaluate", message(err))))));
    }

    private boolean exempt(ServerFacts server) {
        return config.exempts(server) || (server.admin() && !config.cullAdminUsers());
    }

    private Future<Optional<ServerState>> readState(ServerFacts server) {
        if (!policy.readsServerState()) {
            return Future.succeededFuture(Optional.empty());
        }
        if (server.stateUrl() == null) {
            inMdc(server.user(), server.serverName(),
                    () -> log.warn("Cannot read the state of {}: the target gives no URL for it", server.displayName()));
            return Future.succeededFuture(Optional.empty());
        }
        return limiter.submit(() -> reader.read(server.stateUrl(), server.stateToken()))
                .map(Optional::of)
                .otherwise(err -> {
                    inMdc(server.user(), server.serverName(), () -> log.warn(
                            "Cannot read the state of {} at {}: {}; its activity reports count this round",
                            server.displayName(), server.stateUrl(), message(err)));
                    return Optional.empty();
                });
    }

    private Future<Outcome> decide(ServerFacts server, CullPolicy.Evidence evidence) {
        if (evidence.busy()) {
            inMdc(server.user(), server.serverName(), () -> log.debug("Keeping {}: a kernel is busy", server.displayName()));
            return Future.succeededFuture(Outcome.KEPT);
        }
        long idle = Duration.between(evidence.lastActivity(), clock.instant()).toSeconds();
        long timeout = config.timeoutFor(server).toSeconds();
        if (idle <= timeout) {
            inMdc(server.user(), server.serverName(), () -> log.debug("Keeping {}: idle {} s <= {} s, last activity {} from {}",
                    server.displayName(), idle, timeout, evidence.lastActivity(), evidence.source()));
            return Future.succeededFuture(Outcome.KEPT);
        }
        String reason = "idle " + idle + " s > " + timeout + " s, " + profileText(server);
        return stop(server, Cause.IDLE, reason, "last activity " + evidence.lastActivity() + " from " + evidence.source());
    }

    private Future<Outcome> stop(ServerFacts server, Cause cause, String reason, String detail) {
        boolean remove = config.removeNamedServers() && !server.serverName().isEmpty();
        return limiter.submit(() -> target.stopServer(server, reason, remove))
                .map(stopped -> {
                    boolean stillStopping = stopped == StopOutcome.STOPPING;
                    inMdc(server.user(), server.serverName(), () -> log.info("Culled {}: {} ({}){}{}", server.displayName(),
                            reason, detail, remove ? ", removed" : "", stillStopping ? ", still stopping" : ""));
                    CulledServer culled = new CulledServer(server.user(), server.serverName(), server.profile(), cause,
                            reason, stillStopping);
                    notify(listener::serverCulled, culled);
                    return new Outcome(culled, null);
                })
                .otherwise(err -> new Outcome(null,
                        fail(new CullFailure(server.user(), server.serverName(), "stop-server", message(err)))));
    }

    private Future<List<String>> cullUsers(List<CullFailure> failures) {
        if (!config.cullUsers()) {
            return Future.succeededFuture(List.of());
        }
        return target.usersWithoutServers()
                .recover(err -> {
                    failures.add(fail(new CullFailure(null, null, "list-users", message(err))));
                    return Future.succeededFuture(List.of());
                })
                .compose(users -> all(users.stream().map(u -> handleUser(u, failures)).toList()))
                .map(deleted -> deleted.stream().filter(name -> name != null).toList());
    }

    /** @return the user's name if deleted, null otherwise */
    private Future<String> handleUser(UserFacts user, List<CullFailure> failures) {
        Instant seen = user.lastSeen();
        boolean exempt = config.exempt().contains(user.name()) || (user.admin() && !config.cullAdminUsers());
        if (exempt || seen == null) {
            return Future.succeededFuture(null);
        }
        long idle = Duration.between(seen, clock.instant()).toSeconds();
        long timeout = config.timeout().toSeconds();
        if (idle <= timeout) {
            return Future.succeededFuture(null);
        }
        String reason = "user idle " + idle + " s > " + timeout + " s, no server";
        return limiter.submit(() -> target.deleteUser(user.name(), reason))
                .map(v -> {
                    inMdc(user.name(), null, () -> log.info("Deleted user {}: {}", user.name(), reason));
                    notify(u -> listener.userDeleted(u, reason), user.name());
                    return user.name();
                })
                .otherwise(err -> {
                    failures.add(fail(new CullFailure(user.name(), null, "delete-user", message(err))));
                    return null;
                });
    }

    private CullReport report(Instant startedAt, ServersDone done, List<String> deletedUsers, List<CullFailure> failures) {
        List<CulledServer> culled = new ArrayList<>();
        List<CullFailure> all = new ArrayList<>(failures);
        for (Outcome o : done.outcomes()) {
            if (o.culled() != null) {
                culled.add(o.culled());
            }
            if (o.failure() != null) {
                all.add(o.failure());
            }
        }
        return new CullReport(startedAt, clock.instant(), done.examined(), culled, all, deletedUsers);
    }

    private void finish(CullReport report) {
        long stopping = report.culled().stream().filter(CulledServer::stillStopping).count();
        log.info("Cull round done: {} servers examined, {} culled ({} still stopping), {} users deleted, {} failures",
                report.examined(), report.culled().size(), stopping, report.deletedUsers().size(),
                report.failures().size());
        notify(listener::roundFinished, report);
    }

    private CullFailure fail(CullFailure failure) {
        String who = failure.user() == null ? "" : " for " + failure.user()
                + (failure.serverName() == null || failure.serverName().isEmpty() ? "" : "/" + failure.serverName());
        inMdc(failure.user(), failure.serverName(),
                () -> log.warn("Cull {} failed{}: {}", failure.action(), who, failure.message()));
        notify(listener::cullFailed, failure);
        return failure;
    }

    private static <T> void notify(Consumer<T> hook, T value) {
        try {
            hook.accept(value);
        } catch (RuntimeException e) {
            log.warn("Cull listener threw; ignored", e);
        }
    }

    /** Puts {@code user} and {@code server} in the MDC around one log call (the round itself is asynchronous). */
    private static void inMdc(String user, String server, Runnable logging) {
        try (MDC.MDCCloseable u = MDC.putCloseable("user", user == null ? "" : user);
             MDC.MDCCloseable s = MDC.putCloseable("server", server == null ? "" : server)) {
            logging.run();
        }
    }

    private static <T> Future<List<T>> all(List<Future<T>> futures) {
        return Future.all(futures).map(cf -> cf.list());
    }

    private static String profileText(ServerFacts server) {
        return server.profile() == null ? "no profile" : "profile " + server.profile();
    }

    private static String message(Throwable err) {
        return err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    }

    private record Outcome(CulledServer culled, CullFailure failure) {
        static final Outcome KEPT = new Outcome(null, null);
    }

    private record ServersDone(int examined, List<Outcome> outcomes) {}
}
