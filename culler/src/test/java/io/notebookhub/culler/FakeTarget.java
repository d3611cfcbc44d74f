package io.notebookhub.culler;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** An in-memory hub for culler tests: records what was stopped and why, and can be told how to answer. */
class FakeTarget implements CullTarget {
    final List<ServerFacts> servers = Collections.synchronizedList(new ArrayList<>());
    final List<UserFacts> users = Collections.synchronizedList(new ArrayList<>());
    /** displayName -> reason, for every stop asked. */
    final Map<String, String> stopped = new ConcurrentHashMap<>();
    final Map<String, Boolean> removed = new ConcurrentHashMap<>();
    final List<String> deletedUsers = Collections.synchronizedList(new ArrayList<>());
    /** displayName -> how to answer its stop; default STOPPED at once. */
    final Map<String, Function<ServerFacts, Future<StopOutcome>>> stopBehaviour = new HashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final List<Promise<StopOutcome>> held = Collections.synchronizedList(new ArrayList<>());
    volatile boolean holdStops;

    @Override
    public Future<List<ServerFacts>> readyServers() {
        return Future.succeededFuture(List.copyOf(servers));
    }

    @Override
    public Future<StopOutcome> stopServer(ServerFacts server, String reason, boolean remove) {
        stopped.put(server.displayName(), reason);
        removed.put(server.displayName(), remove);
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        Future<StopOutcome> answer;
        if (holdStops) {
            Promise<StopOutcome> p = Promise.promise();
            held.add(p);
            answer = p.future();
        } else {
            answer = stopBehaviour.getOrDefault(server.displayName(), s -> Future.succeededFuture(StopOutcome.STOPPED))
                    .apply(server);
        }
        return answer.onComplete(ar -> inFlight.decrementAndGet());
    }

    @Override
    public Future<List<UserFacts>> usersWithoutServers() {
        return Future.succeededFuture(List.copyOf(users));
    }

    @Override
    public Future<Void> deleteUser(String name, String reason) {
        deletedUsers.add(name);
        return Future.succeededFuture();
    }
}
