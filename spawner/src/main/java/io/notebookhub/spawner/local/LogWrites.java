package io.notebookhub.spawner.local;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whoever waits on a server's log file that the server wrote to it. A notebook server writes its log as it
 * finishes starting ("... is running at"), by which time its port listens, so a look on each write finds the server
 * ready within about a millisecond, where a look every 20 ms finds it 10 ms late on average. A folder is watched
 * (inotify on Linux) only while someone listens to a file in it: a thousand running servers write a line for every
 * request they serve, and nobody needs to hear those.
 */
final class LogWrites implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogWrites.class);

    /** Listeners by the log file's absolute path; written under this object's lock, read by the watch thread. */
    private final Map<Path, List<Runnable>> listeners = new ConcurrentHashMap<>();
    private final Map<Path, WatchKey> watchedFolders = new HashMap<>();
    private WatchService service;
    private boolean unavailable;

    /**
     * Calls {@code onWrite} (on the watch thread) whenever {@code file} is written, until the returned handle is
     * closed. Where the folder cannot be watched nobody is called, and the caller's own timer is all there is.
     */
    synchronized Listening listen(Path file, Runnable onWrite) {
        Path absolute = file.toAbsolutePath();
        Path folder = absolute.getParent();
        if (!watch(folder)) {
            return () -> { };
        }
        listeners.computeIfAbsent(absolute, f -> new CopyOnWriteArrayList<>()).add(onWrite);
        return () -> stopListening(absolute, onWrite);
    }

    private synchronized void stopListening(Path file, Runnable onWrite) {
        List<Runnable> forFile = listeners.get(file);
        if (forFile == null || !forFile.remove(onWrite)) {
            return;
        }
        if (forFile.isEmpty()) {
            listeners.remove(file);
        }
        Path folder = file.getParent();
        if (listeners.keySet().stream().noneMatch(f -> f.getParent().equals(folder))) {
            WatchKey key = watchedFolders.remove(folder);
            if (key != null) {
                key.cancel();
            }
        }
    }

    /** A listener's handle: closing it stops the calls. */
    interface Listening extends AutoCloseable {
        @Override
        void close();
    }

    /** Folders watched now; for tests. */
    synchronized int watchedFolders() {
        return watchedFolders.size();
    }

    private boolean watch(Path folder) {
        if (watchedFolders.containsKey(folder)) {
            return true;
        }
        try {
            if (service == null) {
                if (unavailable) {
                    return false;
                }
                service = FileSystems.getDefault().newWatchService();
                Thread thread = new Thread(this::deliver, "server-log-writes");
                thread.setDaemon(true);
                thread.start();
            }
            watchedFolders.put(folder, folder.register(service, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_CREATE));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            // Seen where inotify's watch limit is spent: readiness falls back to its timer, a little later.
            if (service == null) {
                unavailable = true;
            }
            log.warn("cannot watch {} for server log writes ({}); starts are noticed by polling alone", folder,
                    e.toString());
            return false;
        }
    }

    private void deliver() {
        try {
            while (true) {
                WatchKey key = service.take();
                Path folder = (Path) key.watchable();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        // Events were lost: every listener in the folder takes a look.
                        listeners.forEach((file, forFile) -> {
                            if (file.getParent().equals(folder)) {
                                forFile.forEach(Runnable::run);
                            }
                        });
                    } else {
                        List<Runnable> forFile = listeners.get(folder.resolve((Path) event.context()));
                        if (forFile != null) {
                            forFile.forEach(Runnable::run);
                        }
                    }
                }
                key.reset();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed with the spawner
        }
    }

    @Override
    public synchronized void close() {
        listeners.clear();
        watchedFolders.clear();
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                log.debug("closing the log watch: {}", e.toString());
            }
        }
    }
}
