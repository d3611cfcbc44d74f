package io.notebookhub.hub.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.h2.mvstore.MVStore;

/**
 * Checks the embedded store's file before H2 opens it for writing. H2 opens a file whose newest data is missing (a
 * truncated copy, a half-restored volume) at the last version it can read, or as a new empty database, and then
 * writes over what was left; a hub that started on it would forget its users and orphan every running server. So the
 * file is read first without writing: its header names the newest version that was stored, and a file that cannot
 * reach that version is damaged.
 */
final class EmbeddedStoreFile {
    static final String RESTORE_HINT = "restore it from a backup (docs/store.md: Backup and restore)";

    private final Path file;

    EmbeddedStoreFile(Path dataDir) {
        this.file = dataDir.toAbsolutePath().resolve("hub.mv.db");
    }

    Path path() {
        return file;
    }

    /**
     * The JDBC URL: every commit is written to the file before it returns (no write delay). H2's page cache is 4 MiB
     * rather than its default 16: the hub keeps what it reads often in its own indexes and caches, and the rest of
     * the heap is worth more to a small JVM.
     */
    String jdbcUrl() {
        String base = file.toString().substring(0, file.toString().length() - ".mv.db".length());
        return "jdbc:h2:file:" + base + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;CACHE_SIZE=" + System.getProperty("nbhub.h2.cache_kib", "4096");
    }

    /** True when a store file with content is there (a new hub has none). */
    boolean exists() {
        try {
            return Files.exists(file) && Files.size(file) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Refuses a file that another process holds open or whose newest stored version cannot be read. */
    void check() {
        if (!exists() || !refuseIfInUse()) {
            return;
        }
        long size = size();
        Map<String, Object> header;
        long readable;
        try (MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open()) {
            header = store.getStoreHeader();
            readable = store.getCurrentVersion();
        } catch (RuntimeException e) {
            throw damaged("it cannot be read (" + firstLine(e.getMessage()) + ")", e);
        }
        long stored = hex(header.get("version"));
        if (readable < stored) {
            throw damaged("its header records version " + stored + " but only version " + readable
                    + " can be read (" + size + " bytes; truncated or overwritten?)", null);
        }
    }

    StoreRefusedException damaged(String why, Throwable cause) {
        return new StoreRefusedException("the store " + file + " is damaged: " + why
                + "; the hub will not start on it. Stop, keep the file for inspection, and " + RESTORE_HINT, cause);
    }

    StoreRefusedException inUse() {
        return new StoreRefusedException("the store " + file + " is in use by another process (another hub on the "
                + "same hub.data_dir?); stop that hub first, or give this one its own hub.data_dir");
    }

    /**
     * Refuses a file another process holds. Returns false when this process has it open already (H2 shares one open
     * database among the connections of a process; it was checked when first opened), true when nobody holds it.
     */
    boolean refuseIfInUse() {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return false;
            }
            if (lock == null) {
                throw inUse();
            }
            lock.release();
            return true;
        } catch (IOException e) {
            throw new StoreRefusedException("the store " + file + " cannot be opened: " + e.getMessage(), e);
        }
    }

    private long size() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long hex(Object value) {
        try {
            return value == null ? 0 : Long.parseLong(value.toString(), 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
