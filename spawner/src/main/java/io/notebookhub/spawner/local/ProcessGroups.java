package io.notebookhub.spawner.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals whole process groups. Servers start under {@code setsid}, so the server's pid is its group id and
 * a stop reaches every process the server started in its group. Java has no call for this, so it runs kill(1).
 */
final class ProcessGroups {
    private static final Logger log = LoggerFactory.getLogger(ProcessGroups.class);

    private ProcessGroups() {
    }

    /** False for a zombie too: a server whose hub died is reaped by whoever adopted it, maybe never. */
    static boolean alive(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return !Files.isDirectory(Path.of("/proc"));
        }
    }

    /** TERM to the group, then KILL to the group and every remaining descendant after {@code grace}. */
    static void terminate(long pid, Duration grace) {
        Optional<ProcessHandle> leader = ProcessHandle.of(pid);
        List<ProcessHandle> descendants = leader.map(h -> h.descendants().toList()).orElse(List.of());
        signalGroup(pid, "TERM");
        // Also the process itself, in case it does not lead its own group, and descendants that left the group
        // (kernels run in sessions of their own).
        leader.ifPresent(ProcessHandle::destroy);
        descendants.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && (alive(pid) || descendants.stream().anyMatch(ProcessHandle::isAlive))) {
            sleep(100);
        }
        if (alive(pid) || descendants.stream().anyMatch(ProcessHandle::isAlive)) {
            log.warn("server process group {} did not stop within {} s; killing it", pid, grace.toSeconds());
            signalGroup(pid, "KILL");
            descendants.forEach(ProcessHandle::destroyForcibly);
            leader.ifPresent(ProcessHandle::destroyForcibly);
            // A killed process lingers until its parent reaps it; a stop completes only when it is gone.
            long reapDeadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (alive(pid) && System.nanoTime() < reapDeadline) {
                sleep(50);
            }
        }
    }

    private static void signalGroup(long pgid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            log.warn("could not signal process group {}: {}", pgid, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
