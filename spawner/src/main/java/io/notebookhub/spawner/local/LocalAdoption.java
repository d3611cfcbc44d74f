package io.notebookhub.spawner.local;

import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnFailedException;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.StateValues;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a hub restart, matches the server processes of this hub with the servers the hub has recorded. A
 * recorded server is found by its marker (recorded before launch, so even a start the crash interrupted is
 * found) or, for state written before markers existed, by its pid. A found server whose processes hold the
 * listening socket of its recorded port is adopted at once: what reaches that port reaches that server, so there is
 * nothing to wait for; one that does not listen yet is waited for until it answers, as a start is. Every other process
 * carrying this hub's marker is stopped, so nothing runs that the hub cannot account for and no server runs twice.
 */
final class LocalAdoption {
    private static final Logger log = LoggerFactory.getLogger(LocalAdoption.class);

    /** A recorded server that runs; {@code listening} when it holds its port's listening socket. */
    private record Found(long pid, int port, String prefix, String marker, boolean listening) {
        Found withListening(boolean holdsPort) {
            return new Found(pid, port, prefix, marker, holdsPort);
        }
    }

    private final LocalProcessSpawner spawner;
    private final ServerProcesses processes;
    private final Readiness readiness;
    private final WorkerExecutor workers;
    private volatile Future<Survey> surveyAhead;

    LocalAdoption(LocalProcessSpawner spawner, ServerProcesses processes, Readiness readiness, WorkerExecutor workers) {
        this.spawner = spawner;
        this.processes = processes;
        this.readiness = readiness;
        this.workers = workers;
    }

    /** The processes of this hub, and the ports each holds a listening socket on, read together. */
    record Survey(List<ServerProcesses.Marked> processes, Map<Long, Set<Integer>> listening) {
        static Survey take(String hubTag) {
            List<ServerProcesses.Marked> marked = ServerProcesses.scan(hubTag);
            ListeningSockets sockets = ListeningSockets.read();
            Map<Long, Set<Integer>> listening = new HashMap<>();
            marked.forEach(p -> listening.put(p.pid(), sockets.portsOf(p.pid())));
            return new Survey(marked, listening);
        }

        /** True when the server, or a process it started (a wrapper script's child), listens on its port. */
        boolean holdsPort(Found f) {
            return f.port() >= 0 && (listening.getOrDefault(f.pid(), Set.of()).contains(f.port())
                    || markerHolds(f.marker(), f.port()));
        }

        /** True when a process carrying {@code marker} listens on {@code port}. */
        boolean markerHolds(String marker, int port) {
            return processes.stream().filter(p -> p.marker().equals(marker))
                    .anyMatch(p -> listening.getOrDefault(p.pid(), Set.of()).contains(port));
        }
    }

    /**
     * Takes the look ahead's survey for the reconcile that follows, which reads {@code /proc} while the hub opens its
     * store. Nothing of this hub starts a server meanwhile; a process that ends meanwhile fails its adoption, and one
     * of no record is stopped by its marker, which a reused pid does not carry.
     */
    void useLookAhead(LocalLookAhead ahead) {
        surveyAhead = Future.fromCompletionStage(ahead.survey());
    }

    private Future<Survey> survey() {
        Future<Survey> ahead = surveyAhead;
        surveyAhead = null;
        return ahead != null ? ahead : workers.executeBlocking(() -> Survey.take(processes.hubTag()), false);
    }

    Future<Map<ServerId, Future<SpawnedServer>>> reconcile(Map<ServerId, Map<String, Object>> known,
                                                           Duration startTimeout) {
        Map<ServerId, Found> found = new HashMap<>();
        return survey().compose(survey -> workers.<List<ServerProcesses.Marked>>executeBlocking(() -> {
            Map<String, ServerProcesses.Marked> servers = ServerProcesses.servers(survey.processes());
            known.forEach((id, state) -> find(state, servers).ifPresent(f -> found.put(id, f)));
            found.replaceAll((id, f) -> f.withListening(survey.holdsPort(f)));
            Set<String> claimed = new HashSet<>();
            found.values().stream().filter(f -> f.marker() != null).forEach(f -> claimed.add(f.marker()));
            return servers.values().stream().filter(p -> !claimed.contains(p.marker())).toList();
        }, false)).compose(orphans -> stopOrphans(orphans).map(v -> {
            Map<ServerId, Future<SpawnedServer>> adopted = new HashMap<>();
            found.forEach((id, f) -> adopted.put(id, adopt(id, f, startTimeout)));
            log.info("found {} of {} recorded local servers after restart; stopped {} process(es) of no known server",
                    found.size(), known.size(), orphans.size());
            return adopted;
        }));
    }

    private static Optional<Found> find(Map<String, Object> state, Map<String, ServerProcesses.Marked> servers) {
        Optional<String> marker = StateValues.text(state, LocalProcessSpawner.MARKER);
        Optional<Long> pid = StateValues.number(state, "pid");
        Optional<Long> port = StateValues.number(state, "port");
        Optional<String> prefix = StateValues.text(state, "prefix");
        if (marker.isPresent()) {
            ServerProcesses.Marked p = servers.get(marker.get());
            if (p == null) {
                return Optional.empty();
            }
            Optional<Integer> actualPort = port.map(Long::intValue).or(p::port);
            Optional<String> actualPrefix = prefix.or(p::prefix);
            if (actualPort.isEmpty() || actualPrefix.isEmpty()) {
                return Optional.of(new Found(p.pid(), -1, "", marker.get(), false));
            }
            return Optional.of(new Found(p.pid(), actualPort.get(), actualPrefix.get(), marker.get(), false));
        }
        // Recorded by a hub without markers: the pid and port are all there is.
        if (pid.isPresent() && port.isPresent() && ProcessGroups.alive(pid.get())) {
            return Optional.of(new Found(pid.get(), port.get().intValue(), prefix.orElse("/"),
                    ServerProcesses.markerOf(pid.get()).orElse(null), false));
        }
        return Optional.empty();
    }

    private Future<Void> stopOrphans(List<ServerProcesses.Marked> orphans) {
        List<Future<Void>> stops = new ArrayList<>();
        for (ServerProcesses.Marked p : orphans) {
            log.warn("stopping process {} of server {}{}: the hub has no record of it (a crash during its start)",
                    p.pid(), p.user(), p.serverName().isEmpty() ? "" : "/" + p.serverName());
            stops.add(workers.executeBlocking(() -> {
                spawner.terminate(p.pid(), p.marker());
                return null;
            }, false));
        }
        return Future.join(stops).mapEmpty();
    }

    /**
     * Completes at once when the server holds its port, else when it answers; stops it if it does not within the
     * start timeout.
     */
    private Future<SpawnedServer> adopt(ServerId id, Found f, Duration startTimeout) {
        if (f.port() < 0) {
            return stop(f, new SpawnFailedException("The server process " + f.pid() + " has no address on record"));
        }
        Future<Void> ready = f.listening() ? Future.succeededFuture()
                : readiness.await(f.pid(), f.marker(), f.port(), f.prefix(), spawner.logFileOf(id), startTimeout);
        return ready.map(v -> {
                    spawner.watch(id, f.pid());
                    log.info("adopted server {} (pid {}, port {}, {})", id, f.pid(), f.port(),
                            f.listening() ? "holding its port" : "answered");
                    return new LocalProcessSpawner.StartedProcess(f.pid(), f.port(), f.prefix(), f.marker(),
                            spawner.logFileOf(id)).toSpawned();
                })
                .recover(e -> stop(f, e));
    }

    private Future<SpawnedServer> stop(Found f, Throwable why) {
        log.warn("stopping adopted server process {}: {}", f.pid(), why.getMessage());
        return workers.<Void>executeBlocking(() -> {
            spawner.terminate(f.pid(), f.marker());
            return null;
        }, false).transform(ar -> Future.failedFuture(why));
    }
}
