package io.notebookhub.hub.services;

import io.notebookhub.hub.config.ServiceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One managed service's process: started with its environment, restarted when it dies (waiting 1 s, doubling up to
 * a minute while it keeps dying young), stopped with the hub. Its pid and start time go to a file in the state
 * folder, so that a hub killed without warning stops the orphan at its next start instead of running two.
 */
final class ManagedService {
    private static final Logger log = LoggerFactory.getLogger(ManagedService.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final ServiceSpec spec;
    private final Map<String, String> environment;
    private final Path folder;
    private final ScheduledExecutorService executor;
    private volatile Process process;
    private volatile boolean stopping;
    private Duration backoff = FIRST_BACKOFF;
    private int restarts;

    ManagedService(ServiceSpec spec, Map<String, String> environment, Path folder, ScheduledExecutorService executor) {
        this.spec = spec;
        this.environment = environment;
        this.folder = folder;
        this.executor = executor;
    }

    String name() {
        return spec.name();
    }

    /** The running process's pid, or 0 (as JupyterHub's model reports a service without one). */
    long pid() {
        Process p = process;
        return p != null && p.isAlive() ? p.pid() : 0;
    }

    int restarts() {
        return restarts;
    }

    void start() {
        stopLeftover();
        launch();
    }

    private void launch() {
        if (stopping) {
            return;
        }
        Path logFile = folder.resolve(".logs").resolve(spec.name() + ".log");
        try {
            Files.createDirectories(logFile.getParent());
            if (!Files.exists(logFile)) {
                // The service's output may carry what its users sent it: readable by the hub's account alone.
                Files.createFile(logFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            ProcessBuilder pb = new ProcessBuilder(spec.command()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            pb.environment().clear();
            pb.environment().putAll(environment);
            if (spec.cwd() != null) {
                pb.directory(spec.cwd().toFile());
            }
            Instant started = Instant.now();
            Process p = pb.start();
            process = p;
            if (stopping) {
                // The hub began stopping while this process was being launched: stop() may have missed it.
                terminate(p.toHandle());
                return;
            }
            writePidFile(p);
            log.info("service {} started: pid {}, log {}", spec.name(), p.pid(), logFile);
            p.onExit().thenAccept(exited -> exited(exited, started));
        } catch (IOException e) {
            log.warn("service {} could not start ({}): trying again in {} s", spec.name(), e.getMessage(),
                    backoff.toSeconds());
            scheduleRestart();
        }
    }

    private void exited(Process exited, Instant started) {
        if (stopping) {
            return;
        }
        boolean ranLong = Duration.between(started, Instant.now()).compareTo(MAX_BACKOFF) > 0;
        if (ranLong) {
            backoff = FIRST_BACKOFF;
        }
        log.warn("service {} exited with status {}; restarting in {} s", spec.name(), exited.exitValue(),
                backoff.toSeconds());
        scheduleRestart();
    }

    private synchronized void scheduleRestart() {
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        restarts++;
        executor.schedule(this::launch, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the process and everything it started: SIGTERM, then SIGKILL after a grace period. */
    void stop() {
        stopping = true;
        Process p = process;
        if (p != null && p.isAlive()) {
            terminate(p.toHandle());
            log.info("service {} stopped", spec.name());
        }
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            log.warn("could not remove {}: {}", pidFile(), e.getMessage());
        }
    }

    private static void terminate(ProcessHandle handle) {
        List<ProcessHandle> children = handle.descendants().toList();
        handle.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            handle.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            handle.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private Path pidFile() {
        return folder.resolve(spec.name() + ".pid");
    }

    private void writePidFile(Process p) throws IOException {
        Optional<Instant> start = p.info().startInstant();
        Files.writeString(pidFile(), p.pid() + " " + start.map(Instant::toEpochMilli).orElse(0L) + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** A process recorded by an earlier hub that died without stopping it: the same pid and start time. */
    private void stopLeftover() {
        try {
            if (!Files.exists(pidFile())) {
                return;
            }
            String[] parts = Files.readString(pidFile()).strip().split(" ");
            long pid = Long.parseLong(parts[0]);
            long startMillis = Long.parseLong(parts[1]);
            ProcessHandle.of(pid).filter(h -> h.info().startInstant().map(Instant::toEpochMilli)
                    .orElse(-1L) == startMillis).ifPresent(h -> {
                        log.warn("service {}: stopping pid {} left running by a hub that did not stop it", spec.name(),
                                pid);
                        terminate(h);
                    });
        } catch (IOException | RuntimeException e) {
            log.warn("service {}: could not read {}: {}", spec.name(), pidFile(), e.toString());
        }
    }
}
