package io.notebookhub.spawner.local;

import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnProgress;
import io.notebookhub.spawner.SpawnRequest;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.Spawner;
import io.notebookhub.spawner.StateValues;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each server as a local {@code jupyterhub-singleuser} process on a free loopback port, in its own
 * process group, with a working folder per user under the servers folder. Processes outlive the hub, so a
 * hub restart adopts them by pid and port; each carries a marker recorded before its launch (see
 * {@link ServerProcesses}), so a crash at any point of a spawn leaves nothing the next start-up cannot find.
 */
public final class LocalProcessSpawner implements Spawner {
    private static final Logger log = LoggerFactory.getLogger(LocalProcessSpawner.class);
    private static final String PID = "pid";
    private static final String PORT = "port";
    private static final String PREFIX = "prefix";
    static final String MARKER = "marker";
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final LocalSpawnerConfig config;
    private final WorkerExecutor workers;
    private final HttpClient http;
    private final LogWrites logWrites = new LogWrites();
    private final Readiness readiness;
    private final ServerProcesses processes;
    private final LocalAdoption adoption;
    private final LocalLookAhead lookAhead;
    private final List<BiConsumer<ServerId, String>> exitListeners = new CopyOnWriteArrayList<>();
    /** Servers we are watching, so a death we did not ask for is reported; removed before a requested stop. */
    private final Map<ServerId, Long> watched = new ConcurrentHashMap<>();
    private final AtomicBoolean checkingWatched = new AtomicBoolean();
    /**
     * Ports handed to servers that have not answered yet. The kernel gives a free port again once its probe socket
     * closes, and a server binds it only a second or more later (15 s with thirty starting at once); until then
     * another start must not be given the same port.
     */
    private final Set<Integer> portsOfStarts = ConcurrentHashMap.newKeySet();
    private final long watchTimer;

    public LocalProcessSpawner(Vertx vertx, LocalSpawnerConfig config) {
        this(vertx, config, LocalLookAhead.begin(config));
    }

    /** A spawner that takes {@code lookAhead}, begun earlier with the same configuration, as its first look. */
    public LocalProcessSpawner(Vertx vertx, LocalSpawnerConfig config, LocalLookAhead lookAhead) {
        this.vertx = vertx;
        this.config = config;
        this.lookAhead = lookAhead;
        this.workers = vertx.createSharedWorkerExecutor("local-spawner", 8);
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000).setKeepAlive(false));
        this.readiness = new Readiness(vertx, http, logWrites);
        this.processes = lookAhead.processes();
        this.adoption = new LocalAdoption(this, processes, readiness, workers);
        this.watchTimer = vertx.setPeriodic(1000, id -> checkWatched());
    }

    @Override
    public String id() {
        return "local";
    }

    /** Takes the look ahead at this hub's server processes, for the reconcile after a restart. */
    @Override
    public Future<Void> open() {
        adoption.useLookAhead(lookAhead);
        return Future.succeededFuture();
    }

    /** The folder a user's servers run in (their "home"). */
    public Path homeOf(String user) {
        return config.serversDir().resolve(SafeFolderNames.of(user));
    }

    @Override
    public Map<String, Object> intent(ServerId server) {
        return Map.of(MARKER, processes.newMarker(server));
    }

    @Override
    public Future<SpawnedServer> start(SpawnRequest request, Consumer<SpawnProgress> progress) {
        ServerId id = request.server();
        String marker = StateValues.text(request.intent(), MARKER).filter(processes::ours)
                .orElseGet(() -> processes.newMarker(id));
        progress.accept(new SpawnProgress(10, "Starting a notebook server process for " + id));
        return workers.<StartedProcess>executeBlocking(() -> {
            stopLeftovers(id);
            return launch(request, marker);
        }, false)
                .compose(started -> {
                    progress.accept(new SpawnProgress(50, "Server process " + started.pid + " started on port "
                            + started.port + "; waiting for it to answer"));
                    return readiness.await(started.pid, started.marker, started.port, started.prefix, started.logFile,
                                    request.startTimeout())
                            .onComplete(done -> portsOfStarts.remove(started.port))
                            .recover(failure -> workers.<Void>executeBlocking(() -> {
                                terminate(started.pid, marker);
                                return null;
                            }, false).compose(v -> Future.failedFuture(failure)))
                            .map(started);
                })
                .map(started -> {
                    watched.put(id, started.pid);
                    progress.accept(new SpawnProgress(90, "Server answers on port " + started.port));
                    return started.toSpawned();
                });
    }

    record StartedProcess(long pid, int port, String prefix, String marker, Path logFile) {
        SpawnedServer toSpawned() {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put(PID, pid);
            state.put(PORT, port);
            state.put(PREFIX, prefix);
            if (marker != null) {
                state.put(MARKER, marker);
            }
            return new SpawnedServer("http://127.0.0.1:" + port, state);
        }
    }

    /** Never two servers for one name: whatever still runs of an earlier start of {@code id} is stopped first. */
    private void stopLeftovers(ServerId id) {
        Map<String, ServerProcesses.Marked> leftovers = ServerProcesses.servers(processes.scan().stream()
                .filter(p -> p.user().equals(id.user()) && p.serverName().equals(id.serverName())).toList());
        leftovers.forEach((marker, p) -> {
            log.warn("server {} still has process {} from an earlier start; stopping it before starting anew", id,
                    p.pid());
            terminate(p.pid(), marker);
        });
    }

    Path logFileOf(ServerId id) {
        return config.serversDir().resolve(".logs").resolve(SafeFolderNames.of(id.user())
                + (id.isDefault() ? "" : "--" + SafeFolderNames.of(id.serverName())) + ".log");
    }

    private StartedProcess launch(SpawnRequest request, String marker) throws IOException {
        ServerId id = request.server();
        Path home = homeOf(id.user());
        Files.createDirectories(home);
        PrivateFiles.restrict(home, "rwx------");
        Path logFile = logFileOf(id);
        Files.createDirectories(logFile.getParent());
        PrivateFiles.restrict(logFile.getParent(), "rwx------");
        PrivateFiles.createPrivate(logFile);
        int port = freePortForAStart();
        try {
            return launchOnPort(request, marker, id, home, logFile, port);
        } catch (IOException | RuntimeException e) {
            portsOfStarts.remove(port);
            throw e;
        }
    }

    private StartedProcess launchOnPort(SpawnRequest request, String marker, ServerId id, Path home, Path logFile,
                                        int port) throws IOException {
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
        env.putAll(serverEnvironment(request, marker, port, prefix));
        env.put("HOME", home.toAbsolutePath().toString());
        profileEnv(request, env);
        Process process = builder.start();
        log.info("started server {} as pid {} on port {} in {} (log {})", id, process.pid(), port, home, logFile);
        return new StartedProcess(process.pid(), port, prefix, marker, logFile);
    }

    /**
     * JupyterHub's variables for the server, plus its address and the marker by which {@link ServerProcesses}
     * finds it (and everything it starts) after a hub crash.
     */
    private static Map<String, String> serverEnvironment(SpawnRequest request, String marker, int port,
                                                         String prefix) {
        Map<String, String> env = new LinkedHashMap<>(request.env());
        env.put("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:" + port + prefix);
        env.put(ServerProcesses.MARKER_ENV, marker);
        return env;
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

    /** A free loopback port that no other start in progress was given. */
    int freePortForAStart() throws IOException {
        for (int tries = 0; tries < 100; tries++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (portsOfStarts.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
        throw new IOException("no free loopback port that another starting server was not given, in 100 tries");
    }

    @Override
    public Future<Void> stop(ServerId server, Map<String, Object> state) {
        watched.remove(server);
        Optional<Long> pid = StateValues.number(state, PID);
        String marker = StateValues.text(state, MARKER).orElse(null);
        if (pid.isEmpty() && marker == null) {
            return Future.succeededFuture();
        }
        return workers.executeBlocking(() -> {
            terminate(pid.filter(p -> verified(p, marker)).orElse(null), marker);
            log.info("stopped server {} (pid {})", server, pid.map(String::valueOf).orElse("not recorded"));
            return null;
        }, false);
    }

    /**
     * Ends a server: its process group, then every process still carrying its marker (kernels that left the
     * group). Either may be null. Blocking.
     */
    void terminate(Long pid, String marker) {
        if (pid != null) {
            ProcessGroups.terminate(pid, STOP_GRACE);
        }
        if (marker != null && processes.ours(marker)) {
            for (int round = 0; round < 3; round++) {
                List<ServerProcesses.Marked> left = processes.scan().stream()
                        .filter(p -> p.marker().equals(marker)).toList();
                if (left.isEmpty()) {
                    return;
                }
                ServerProcesses.servers(left).values().forEach(p -> ProcessGroups.terminate(p.pid(), STOP_GRACE));
                left.forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
            }
        }
    }

    /** The process {@code pid} is still the one the state describes, not a later process given the same pid. */
    private static boolean verified(long pid, String marker) {
        return ProcessGroups.alive(pid) && (marker == null || ServerProcesses.markerOf(pid).map(marker::equals)
                .orElse(false));
    }

    @Override
    public Future<Optional<SpawnedServer>> status(ServerId server, Map<String, Object> state) {
        return workers.executeBlocking(() -> running(state), false);
    }

    private Optional<SpawnedServer> running(Map<String, Object> state) {
        Optional<Long> pid = StateValues.number(state, PID);
        Optional<Long> port = StateValues.number(state, PORT);
        if (pid.isEmpty() || port.isEmpty() || !verified(pid.get(), StateValues.text(state, MARKER).orElse(null))) {
            return Optional.empty();
        }
        return Optional.of(new SpawnedServer("http://127.0.0.1:" + port.get(), state));
    }

    @Override
    public Future<Map<ServerId, Future<SpawnedServer>>> reconcile(Map<ServerId, Map<String, Object>> known,
                                                                  Duration startTimeout) {
        return adoption.reconcile(known, startTimeout);
    }

    /** Starts watching an adopted server, so its death is reported like that of one started here. */
    void watch(ServerId id, long pid) {
        watched.put(id, pid);
    }

    /**
     * Once a second, on a worker (a thousand servers are a thousand reads of {@code /proc}), looks for servers whose
     * process has exited; their exits are told on the timer's event loop. A look still running skips the next.
     */
    private void checkWatched() {
        if (watched.isEmpty() || !checkingWatched.compareAndSet(false, true)) {
            return;
        }
        Map<ServerId, Long> snapshot = Map.copyOf(watched);
        workers.<List<Map.Entry<ServerId, Long>>>executeBlocking(() -> snapshot.entrySet().stream()
                .filter(e -> !ProcessGroups.alive(e.getValue())).toList(), false).onComplete(ar -> {
                    checkingWatched.set(false);
                    if (ar.failed()) {
                        log.warn("looking for exited servers failed: {}", ar.cause().toString());
                        return;
                    }
                    for (Map.Entry<ServerId, Long> exited : ar.result()) {
                        if (watched.remove(exited.getKey(), exited.getValue())) {
                            log.warn("server {} (pid {}) exited on its own", exited.getKey(), exited.getValue());
                            exitListeners.forEach(l -> l.accept(exited.getKey(), "The server process exited"));
                        }
                    }
                });
    }

    @Override
    public void onUnexpectedExit(BiConsumer<ServerId, String> listener) {
        exitListeners.add(listener);
    }

    /**
     * A deleted user's home folder is kept, as JupyterHub's local spawners keep home directories: there is no
     * setting to remove it, and a user deleted by the culler or by mistake loses nothing.
     */
    @Override
    public Future<Void> deleteHome(String user) {
        log.info("Keeping the home folder {} of deleted user {}", homeOf(user), user);
        return Future.succeededFuture();
    }

    @Override
    public void close() {
        vertx.cancelTimer(watchTimer);
        logWrites.close();
        http.close();
        workers.close();
    }
}
