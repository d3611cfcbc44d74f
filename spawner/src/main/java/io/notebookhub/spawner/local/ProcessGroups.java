package io.notebookhub.spawner.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
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

    private static final Path PROC = Path.of("/proc");
    /** Looked at once: the hub asks {@link #alive} every second of every running server. */
    private static final boolean HAS_PROC = Files.isDirectory(PROC);
    /** The pid, "(comm)" of at most 15 bytes, and the state letter all fall within a stat line's first 64 bytes. */
    private static final int STAT_HEAD = 64;

    /**
     * False for a zombie too: a server whose hub died is reaped by whoever adopted it, maybe never. One small read of
     * {@code /proc/<pid>/stat}: the hub asks this every second of every running server.
     */
    static boolean alive(long pid) {
        if (!HAS_PROC) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        ByteBuffer head = ByteBuffer.allocate(STAT_HEAD);
        try (FileChannel stat = FileChannel.open(PROC.resolve(Long.toString(pid)).resolve("stat"))) {
            while (head.hasRemaining() && stat.read(head) > 0) {
                // a stat line is produced whole; this loop only guards against a short read
            }
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        return running(head.array(), head.position());
    }

    /** The state letter follows the last ')' (a command name may hold one) and a space. */
    static boolean running(byte[] stat, int length) {
        for (int i = length - 1; i >= 0; i--) {
            if (stat[i] == ')') {
                if (i + 2 >= length) {
                    return false;
                }
                byte state = stat[i + 2];
                return state != 'Z' && state != 'X';
            }
        }
        return false;
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
