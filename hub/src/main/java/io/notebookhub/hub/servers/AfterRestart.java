package io.notebookhub.hub.servers;

import io.notebookhub.hub.auth.Tokens;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.Spawner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers the store records as not stopped, put in step with what runs after a hub restart, graceful or a
 * crash. The spawner finds each (by the intent recorded before its launch, so a start the crash interrupted is
 * found too) and stops whatever of this hub no record accounts for. A found server is adopted; one that was
 * starting is waited for until it answers, then routed and recorded as running, in the background, holding its
 * name busy meanwhile so no second start or a stop can race it. A stop the restart interrupted is finished. The
 * rest are recorded as stopped. Never two servers for one name: the spawner's sweep and its start both make
 * sure of that.
 */
final class AfterRestart {
    private static final Logger log = LoggerFactory.getLogger(AfterRestart.class);

    private final Vertx vertx;
    private final HubStore store;
    private final Tokens tokens;
    private final Spawner spawner;
    private final Set<ServerId> busy;
    private final BiFunction<ServerId, SpawnedServer, Future<Void>> route;
    private final ServerManager.ServerEvents events;
    private final Clock clock;

    AfterRestart(Vertx vertx, HubStore store, Tokens tokens, Spawner spawner, Set<ServerId> busy,
                 BiFunction<ServerId, SpawnedServer, Future<Void>> route, ServerManager.ServerEvents events,
                 Clock clock) {
        this.vertx = vertx;
        this.store = store;
        this.tokens = tokens;
        this.spawner = spawner;
        this.busy = busy;
        this.route = route;
        this.events = events;
        this.clock = clock;
    }

    /** Completes, with the number of running servers, once the servers that were running are settled. */
    Future<Integer> reconcile(Duration startTimeout) {
        return blocking(store::activeServers).compose(active -> {
            Map<ServerId, Map<String, Object>> known = new HashMap<>();
            Map<ServerId, ServerRecord> records = new HashMap<>();
            for (ServerRecord s : active) {
                ServerId id = new ServerId(s.user(), s.name());
                records.put(id, s);
                busy.add(id);
                if (!ServerRecord.STOPPING.equals(s.status())) {
                    known.put(id, s.spawnerState());
                }
            }
            return spawner.reconcile(known, startTimeout)
                    .onFailure(e -> busy.removeAll(records.keySet()))
                    .compose(found -> {
                        List<Future<Void>> wereRunning = new ArrayList<>();
                        records.forEach((id, record) -> {
                            Future<Void> settled = settle(record, found.get(id)).onComplete(ar -> busy.remove(id));
                            if (!ServerRecord.STARTING.equals(record.status())) {
                                wereRunning.add(settled);
                            }
                        });
                        return Future.join(wereRunning).transform(ar -> blocking(() -> (int) store.activeServers()
                                .stream().filter(s -> ServerRecord.RUNNING.equals(s.status())).count()));
                    });
        });
    }

    /** One recorded server: finish its stop, adopt it (finishing its start), or record it gone. */
    private Future<Void> settle(ServerRecord record, Future<SpawnedServer> found) {
        ServerId id = new ServerId(record.user(), record.name());
        if (ServerRecord.STOPPING.equals(record.status())) {
            return spawner.stop(id, record.spawnerState())
                    .compose(v -> recordGone(record, "stopped (the stop was finished after a hub restart)"));
        }
        if (found == null) {
            return recordGone(record, "the server was no longer running when the hub restarted");
        }
        return found.compose(s -> {
            if (ServerRecord.RUNNING.equals(record.status())) {
                // Routed as soon as it answers rather than when all have: the embedded proxy starts with no routes.
                Future<Void> routed = routeOrLeaveToTheCheck(id, s);
                // A new address, or state an earlier version stored as strings: record what the spawner found.
                return s.url().equals(record.url()) && sameJson(s.state(), record.spawnerState())
                        ? routed : routed.compose(v -> blocking(() -> recordRunning(record, s)));
            }
            log.info("server {} was starting when the hub stopped and now answers; routing it", id);
            return routeOrLeaveToTheCheck(id, s).compose(v -> blocking(() -> recordRunning(record, s)));
        }, e -> recordGone(record, "the server did not come back after the hub restarted: " + e.getMessage()));
    }

    private Future<Void> routeOrLeaveToTheCheck(ServerId id, SpawnedServer s) {
        return route.apply(id, s).recover(e -> {
            log.warn("could not route {} yet (the route check will retry): {}", id, e.getMessage());
            return Future.succeededFuture();
        });
    }

    /** Equal as JSON: 1234 read back as an Integer is the Long 1234 it was written as; "1234" is not. */
    static boolean sameJson(Map<String, Object> a, Map<String, Object> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (var e : a.entrySet()) {
            Object x = e.getValue();
            Object y = b.get(e.getKey());
            boolean same = x instanceof Number n && y instanceof Number m ? n.doubleValue() == m.doubleValue()
                    : java.util.Objects.equals(x, y);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    private Void recordRunning(ServerRecord record, SpawnedServer s) {
        store.saveServer(record.running(s.url(), s.state(), clock.instant()));
        return null;
    }

    private Future<Void> recordGone(ServerRecord record, String reason) {
        return blocking(() -> {
            store.saveServer(record.stopped(reason));
            tokens.revokeServerTokens(record.user(), record.name());
            if (!ServerRecord.STARTING.equals(record.status())) {
                events.stopped(record, reason);
            }
            log.info("server {} recorded as stopped: {}", new ServerId(record.user(), record.name()), reason);
            return null;
        });
    }

    private <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }
}
