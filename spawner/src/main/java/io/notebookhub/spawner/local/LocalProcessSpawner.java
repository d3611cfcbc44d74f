package io.notebookhub.spawner.local;

import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnFailedException;
import io.notebookhub.spawner.SpawnProgress;
import io.notebookhub.spawner.SpawnRequest;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.Spawner;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each server as a local {@code jupyterhub-singleuser} process on a free loopback port, in its own
 * process group, with a working folder per user under the servers folder. Processes outlive the hub, so a
 * hub restart adopts them by pid and port.
 */
public final class LocalProcessSpawner implements Spawner {
    private static final Logger log = LoggerFactory.getLogger(LocalProcessSpawner.class);
    private static final String PID = "pid";
    private static final String PORT = "port";
    private static final String PREFIX = "prefix";
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final LocalSpawnerConfig config;
    private final WorkerExecutor workers;
    private final HttpClient http;
    private final List<BiConsumer<ServerId, String>> exitListeners = new CopyOnWriteArrayList<>();
    /** Servers we are watching, so a death we did not ask for is reported; removed before a requested stop. */
    private final Map<ServerId, Long> watched = new ConcurrentHashMap<>();
    private final long watchTimer;

    public LocalProcessSpawner(Vertx vertx, LocalSpawnerConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.workers = vertx.createSharedWorkerExecutor("local-spawner", 8);
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000).setKeepAlive(false));
        this.watchTimer = vertx.setPeriodic(1000, id -> checkWatched());
    }

    @Override
    public String id() {
        return "local";
    }

    /** The folder a user's servers run in (their "home"). */
    public Path homeOf(String user) {
        return config.serversDir().resolve(SafeFolderNames.of(user));
    }

    @Override
    public Future<SpawnedServer> start(SpawnRequest request, Consumer<SpawnProgress> progress) {
        ServerId id = request.server();
        progress.accept(new SpawnProgress(10, "Starting a notebook server process for " + id));
        return workers.<StartedProcess>executeBlocking(() -> launch(request), false)
                .compose(started -> {
                    progress.accept(new SpawnProgress(50, "Server process " + started.pid + " started on port "
                            + started.port + "; waiting for it to answer"));
                    return awaitReady(started, request.startTimeout())
                            .recover(failure -> workers.<Void>executeBlocking(() -> {
                                ProcessGroups.terminate(started.pid, STOP_GRACE);
                                return null;
                            }, false).compose(v -> Future.failedFuture(failure)));
                })
                .map(started -> {
                    watched.put(id, started.pid);
                    progress.accept(new SpawnProgress(90, "Server answers on port " + started.port));
                    return started.toSpawned();
                });
    }

    private record StartedProcess(long pid, int port, String prefix, Path logFile) {
        SpawnedServer toSpawned() {
            return new SpawnedServer("http://127.0.0.1:" + port,
                    Map.of(PID, Long.toString(pid), PORT, Integer.toString(port), PREFIX, prefix));
        }
    }

    private StartedProcess launch(SpawnRequest request) throws IOException {
        ServerId id = request.server();
        Path home = homeOf(id.user());
        Files.createDirectories(home);
        PrivateFiles.restrict(home, "rwx------");
        Path logFile = config.serversDir().resolve(".logs").resolve(SafeFolderNames.of(id.user())
                + (id.isDefault() ? "" : "--" + SafeFolderNames.of(id.serverName())) + ".log");
        Files.createDirectories(logFile.getParent());
        PrivateFiles.restrict(logFile.getParent(), "rwx------");
        PrivateFiles.createPrivate(logFile);
        int port = freePort();
        String prefix = request.env().getOrDefault("JUPYTERHUB_SERVICE_PREFIX", "/user/" + id.user() + "/");

        List<String> command = new ArrayList<>();
        command.add("setsid");
        boolean root = "root".equals(System.getProperty("user.name"));
        String account = new ServerAccounts(config, root).accountFor(id.user(), home);
        if (account != null) {
            command.addAll(ServerAccounts.switchTo(account));
            ServerAccounts.giveHome(home, account);
        }
        command.addAll(config.command());
        command.add("--ip=127.0.0.1");
        command.add("--port=" + port);
        if (root && account == null && config.allowRoot()) {
            command.add("--allow-root");
        }

        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(ServerEnvironmentPolicy.base(config.command(), home, account));
        env.putAll(config.environment());
        env.putAll(request.env());
        env.put("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:" + port + prefix);
        profileEnv(request, env);
        Process process = builder.start();
        log.info("started server {} as pid {} on port {} in {} (log {})", id, process.pid(), port, home, logFile);
        return new StartedProcess(process.pid(), port, prefix, logFile);
    }

    private static void profileEnv(SpawnRequest request, Map<String, String> env) {
        var p = request.profile();
        if (p == null) {
            return;
        }
        env.putAll(p.env());
        putIfSet(env, "CPU_GUARANTEE", p.cpuGuarantee());
        putIfSet(env, "CPU_LIMIT", p.cpuLimit());
        putIfSet(env, "MEM_GUARANTEE", p.memoryGuarantee());
        putIfSet(env, "MEM_LIMIT", p.memoryLimit());
    }

    private static void putIfSet(Map<String, String> env, String key, String value) {
        if (value != null) {
            env.put(key, value);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Polls {@code <prefix>api} until the server answers with a non-5xx status, the process dies, or time is up. */
    private Future<StartedProcess> awaitReady(StartedProcess started, Duration timeout) {
        Promise<StartedProcess> promise = Promise.promise();
        long deadline = System.nanoTime() + timeout.toNanos();
        poll(started, deadline, timeout, promise);
        return promise.future();
    }

    private void poll(StartedProcess started, long deadline, Duration timeout, Promise<StartedProcess> promise) {
        if (!ProcessGroups.alive(started.pid)) {
            promise.fail(new SpawnFailedException("The server process exited during start-up: " + tail(started.logFile)));
            return;
        }
        if (System.nanoTime() > deadline) {
            promise.fail(new SpawnFailedException("The server did not answer within " + timeout.toSeconds()
                    + " s (start_timeout); last output: " + tail(started.logFile)));
            return;
        }
        http.request(HttpMethod.GET, started.port, "127.0.0.1", started.prefix + "api")
                .compose(req -> req.send())
                .onComplete(ar -> {
                    if (ar.succeeded() && ar.result().statusCode() < 500) {
                        promise.complete(started);
                    } else {
                        vertx.setTimer(200, t -> poll(started, deadline, timeout, promise));
                    }
                });
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no output)";
        }
    }

    @Override
    public Future<Void> stop(ServerId server, Map<String, String> state) {
        watched.remove(server);
        Optional<Long> pid = pidOf(state);
        if (pid.isEmpty()) {
            return Future.succeededFuture();
        }
        return workers.executeBlocking(() -> {
            ProcessGroups.terminate(pid.get(), STOP_GRACE);
            log.info("stopped server {} (pid {})", server, pid.get());
            return null;
        }, false);
    }

    @Override
    public Future<Optional<SpawnedServer>> status(ServerId server, Map<String, String> state) {
        return Future.succeededFuture(running(state));
    }

    private Optional<SpawnedServer> running(Map<String, String> state) {
        Optional<Long> pid = pidOf(state);
        if (pid.isEmpty() || !ProcessGroups.alive(pid.get()) || !state.containsKey(PORT)) {
            return Optional.empty();
        }
        return Optional.of(new SpawnedServer("http://127.0.0.1:" + state.get(PORT), state));
    }

    @Override
    public Future<Map<ServerId, SpawnedServer>> reconcile(Map<ServerId, Map<String, String>> known) {
        Map<ServerId, SpawnedServer> alive = new HashMap<>();
        known.forEach((id, state) -> running(state).ifPresent(s -> {
            alive.put(id, s);
            watched.put(id, pidOf(state).orElseThrow());
        }));
        log.info("adopted {} of {} local server processes after restart", alive.size(), known.size());
        return Future.succeededFuture(alive);
    }

    private void checkWatched() {
        watched.forEach((id, pid) -> {
            if (!ProcessGroups.alive(pid) && watched.remove(id, pid)) {
                log.warn("server {} (pid {}) exited on its own", id, pid);
                exitListeners.forEach(l -> l.accept(id, "The server process exited"));
            }
        });
    }

    private static Optional<Long> pidOf(Map<String, String> state) {
        try {
            return Optional.ofNullable(state.get(PID)).map(Long::parseLong);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void onUnexpectedExit(BiConsumer<ServerId, String> listener) {
        exitListeners.add(listener);
    }

    @Override
    public Future<Void> deleteHome(String user) {
        Path home = homeOf(user);
        return workers.executeBlocking(() -> {
            if (Files.exists(home)) {
                try (var paths = Files.walk(home)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return null;
        }, false);
    }

    @Override
    public void close() {
        vertx.cancelTimer(watchTimer);
        http.close();
        workers.close();
    }
}
