package io.notebookhub.profiles.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@code check} when the folder may have changed: soon after a file-system event, and at least every
 * {@code pollInterval} anyway. The periodic call matters: WatchService misses some changes (a ConfigMap's
 * {@code ..data} symlink swap on some file systems, network mounts, polling implementations), and {@code check}
 * is cheap because it compares a content hash before parsing anything.
 */
public final class FolderWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FolderWatcher.class);
    /** Editors save in several steps; wait until the folder is quiet for this long before reading it. */
    private static final Duration SETTLE = Duration.ofMillis(150);

    private final Path folder;
    private final Duration pollInterval;
    private final Runnable check;
    private final Thread thread;
    private volatile boolean running = true;
    private WatchService watchService;

    public FolderWatcher(Path folder, Duration pollInterval, Runnable check) {
        this.folder = folder;
        this.pollInterval = pollInterval;
        this.check = check;
        this.thread = new Thread(this::run, "profiles-watcher");
        this.thread.setDaemon(true);
    }

    public void start() {
        try {
            watchService = FileSystems.getDefault().newWatchService();
            folder.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("Cannot watch {} for changes ({}); checking every {} instead", folder, e.toString(), pollInterval);
            watchService = null;
        }
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                if (watchService == null) {
                    Thread.sleep(pollInterval.toMillis());
                } else {
                    WatchKey key = watchService.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                    while (key != null) {
                        key.pollEvents();
                        key.reset();
                        key = watchService.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
                    }
                }
                if (running) {
                    check.run();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The watcher must outlive any one bad check, or reloads would silently stop.
                log.error("Checking {} for profile changes failed", folder, e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                log.debug("Closing the watch service of {} failed", folder, e);
            }
        }
    }
}
