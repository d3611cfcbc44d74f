package io.notebookhub.hub.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the embedded store's file before H2 opens it for writing. H2 opens a file whose newest data is missing (a
 * truncated copy, a half-restored volume) at the last version it can read, or as a new empty database, and then
 * writes over what was left; a hub that started on it would forget its users and orphan every running server. So the
 * file is read first without writing: its header names the newest version that was stored, and a file that cannot
 * reach that version is damaged.
 */
final class EmbeddedStoreFile {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedStoreFile.class);
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
     * the heap is worth more to a small JVM. Each connection keeps 64 parsed statements rather than H2's 8: the hub
     * runs a few dozen distinct statements (a spawn's, a stop's, the activity reports', the health probe's), which
     * evicted each other from 8, so most writes parsed their SQL again (at rest too, which kept the JIT compiling
     * H2's parser).
     */
    String jdbcUrl() {
        String base = file.toString().substring(0, file.toString().length() - ".mv.db".length());
        return "jdbc:h2:file:" + base + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;QUERY_CACHE_SIZE=64;CACHE_SIZE="
                + System.getProperty("nbhub.h2.cache_kib", "4096");
    }

    /** True when a store file with content is there (a new hub has none). */
    boolean exists() {
        try {
            return Files.exists(file) && Files.size(file) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Refuses a file that another process holds open or whose newest stored version cannot be read, and after a crash
     * makes sure H2 opens the file at its newest commit.
     */
    void check() {
        if (!exists() || !refuseIfInUse()) {
            return;
        }
        // A file that was not closed (the case after every crash) goes straight to the one open that reads all of it.
        if (headerSaysClosed()) {
            Reading usual;
            try {
                usual = read();
            } catch (StoreRefusedException e) {
                usual = null;
            }
            if (usual != null && usual.closedCleanly()) {
                if (usual.version() < usual.headerVersion()) {
                    throw newestMissing(usual.headerVersion(), usual.version());
                }
                return;
            }
        }
        openAtNewestCommit();
    }

    /**
     * What a read-only open finds: the newest version it reaches, the version H2's file header names, and whether
     * the header carries H2's mark of a store that was closed.
     */
    private record Reading(long version, long headerVersion, boolean closedCleanly) {
    }

    /** Opens the file read-only, H2's usual way: the header, then the chunks it predicted would follow. */
    private Reading read() {
        try (MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open()) {
            Map<String, Object> header = store.getStoreHeader();
            return new Reading(store.getCurrentVersion(), DataUtils.readHexLong(header, "version", 0),
                    DataUtils.readHexLong(header, "clean", 0) != 0);
        } catch (RuntimeException e) {
            throw damaged("it cannot be read (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    /**
     * A file the hub did not close (a crash, {@code kill -9}) can hold commits that H2's usual open does not reach:
     * H2 2.5 writes its file header naming the chunk before the one it has just put in a gap it did not predict, and
     * reuses the space of a chunk the header still names, so the header may lead to an older commit or to nothing.
     * The commits are in the file, each acknowledged to somebody; H2 opening without them would then write over
     * them. So such a file is opened once in H2's recovery mode, which reads every chunk and stops at the newest
     * complete commit; closing it writes a header naming that commit, where H2 then opens. A file whose newest
     * complete commit is older than the version its header records has lost data: it is refused, and closed without
     * writing.
     */
    private void openAtNewestCommit() {
        MVStore store;
        try {
            store = new MVStore.Builder().fileName(file.toString()).recoveryMode().autoCommitDisabled().open();
        } catch (RuntimeException e) {
            throw damaged("it cannot be read (" + firstLine(e.getMessage()) + ")", e);
        }
        long newest = store.getCurrentVersion();
        long recorded = DataUtils.readHexLong(store.getStoreHeader(), "version", 0);
        if (newest < recorded) {
            store.closeImmediately();
            throw newestMissing(recorded, newest);
        }
        try {
            store.close();
        } catch (RuntimeException e) {
            throw damaged("recovering its newest commits failed (" + firstLine(e.getMessage()) + ")", e);
        }
        // The header just written is what H2's usual open starts from: it must name the commit found.
        Map<String, String> header = header();
        long named = header == null ? -1 : DataUtils.readHexLong(header, "version", -1);
        if (named != newest) {
            throw damaged("after recovery its header names version " + named + " instead of " + newest, null);
        }
        log.info("the store {} was not closed (the hub was killed?); it opens at its newest complete commit, "
                + "version {}", file, newest);
    }

    /** H2 marks a file it closed in its header; whether the newest readable copy of the header carries the mark. */
    private boolean headerSaysClosed() {
        Map<String, String> header = header();
        return header != null && DataUtils.readHexLong(header, "clean", 0) != 0;
    }

    /**
     * The newer of the file header's two copies (the first two 4 KiB blocks, each a line of {@code key:value} pairs
     * ending in a Fletcher-32 checksum), as H2 reads it; null when neither copy is whole.
     */
    private Map<String, String> header() {
        byte[] blocks = new byte[2 * 4096];
        int read;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            read = channel.read(ByteBuffer.wrap(blocks), 0);
        } catch (IOException e) {
            return null;
        }
        Map<String, String> newest = null;
        for (int block = 0; block * 4096 < read; block++) {
            Map<String, String> copy = checksummed(new String(blocks, block * 4096,
                    Math.min(4096, read - block * 4096), StandardCharsets.ISO_8859_1).trim());
            if (copy != null && (newest == null || DataUtils.readHexLong(copy, "version", 0)
                    > DataUtils.readHexLong(newest, "version", 0))) {
                newest = copy;
            }
        }
        return newest;
    }

    private static Map<String, String> checksummed(String line) {
        int at = line.lastIndexOf(",fletcher:");
        if (at < 0) {
            return null;
        }
        try {
            Map<String, String> map = DataUtils.parseMap(line);
            byte[] covered = line.substring(0, at).getBytes(StandardCharsets.ISO_8859_1);
            int fletcher = (int) Long.parseLong(map.get("fletcher"), 16);
            return fletcher == DataUtils.getFletcher32(covered, 0, covered.length) ? map : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private StoreRefusedException newestMissing(long stored, long readable) {
        return damaged("its header records version " + stored + " but only version " + readable
                + " can be read (" + size() + " bytes; truncated or overwritten?)", null);
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

    static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
