package io.notebookhub.hub.store;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the hub's data folder private: it holds the state database with the cookie secret and the auth_state key,
 * from which anyone who can read it could forge a session. The folder is made {@code 0700} and the files in it
 * {@code 0600}, created so and fixed at every start-up with a warning when found wider (an older hub, a restore from
 * a backup, a hand-made folder). Server logs under {@code users/.logs} get the same treatment.
 *
 * <p>When servers run as other OS accounts, those accounts must reach their home folders under {@code users/}: the
 * data folder and {@code users/} are then {@code 0711} (enter, but not list or read), and the files stay 0600.
 */
public final class DataFolder {
    private static final Logger log = LoggerFactory.getLogger(DataFolder.class);
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> TRAVERSABLE_DIR = PosixFilePermissions.fromString("rwx--x--x");
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    private DataFolder() {
    }

    /**
     * Creates the data folder if needed and narrows what is too wide. Returns the problems fixed, for tests.
     *
     * @param serversRunAsOtherAccounts servers run as OS accounts other than the hub's, so homes must be reachable
     */
    public static List<String> secure(Path dataDir, boolean serversRunAsOtherAccounts) throws IOException {
        return secure(dataDir, serversRunAsOtherAccounts, true);
    }

    /** As {@link #secure(Path, boolean)}, without warnings: for files the hub has just created itself. */
    public static void tighten(Path dataDir, boolean serversRunAsOtherAccounts) throws IOException {
        secure(dataDir, serversRunAsOtherAccounts, false);
    }

    private static List<String> secure(Path dataDir, boolean serversRunAsOtherAccounts, boolean warn)
            throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(dataDir);
            return List.of();
        }
        Set<PosixFilePermission> dirMode = serversRunAsOtherAccounts ? TRAVERSABLE_DIR : PRIVATE_DIR;
        if (!Files.exists(dataDir)) {
            Files.createDirectories(dataDir);
            Files.setPosixFilePermissions(dataDir, dirMode);
        }
        List<String> fixed = new java.util.ArrayList<>();
        Warner w = warn ? log::warn : (f, a) -> { };
        if (serversRunAsOtherAccounts) {
            // A folder made 0700 before servers ran as other accounts must become enterable, or no server starts.
            enterable(dataDir);
            Path users = dataDir.resolve("users");
            if (Files.isDirectory(users, LinkOption.NOFOLLOW_LINKS)) {
                enterable(users);
            }
        }
        narrow(dataDir, dirMode, fixed, w);
        try (Stream<Path> files = Files.list(dataDir)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    narrow(f, PRIVATE_FILE, fixed, w);
                }
            }
        }
        Path users = dataDir.resolve("users");
        if (Files.isDirectory(users, LinkOption.NOFOLLOW_LINKS)) {
            narrow(users, dirMode, fixed, w);
        }
        Path logs = users.resolve(".logs");
        if (Files.isDirectory(logs, LinkOption.NOFOLLOW_LINKS)) {
            narrow(logs, PRIVATE_DIR, fixed, w);
            try (Stream<Path> files = Files.list(logs)) {
                for (Path f : files.toList()) {
                    if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                        narrow(f, PRIVATE_FILE, fixed, w);
                    }
                }
            }
        }
        return fixed;
    }

    /** Removes every permission beyond {@code allowed}; never widens. */
    private static void enterable(Path dir) throws IOException {
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (now.containsAll(TRAVERSABLE_DIR)) {
            return;
        }
        Set<PosixFilePermission> wider = EnumSet.noneOf(PosixFilePermission.class);
        wider.addAll(now);
        wider.addAll(EnumSet.of(PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
        Files.setPosixFilePermissions(dir, wider);
        log.info("{}: other accounts may now enter it (not list or read it), to reach their servers' folders", dir);
    }

    private interface Warner {
        void warn(String format, Object arg);
    }

    private static void narrow(Path p, Set<PosixFilePermission> allowed, List<String> fixed, Warner warner)
            throws IOException {
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        if (allowed.containsAll(now)) {
            return;
        }
        Set<PosixFilePermission> narrowed = EnumSet.noneOf(PosixFilePermission.class);
        narrowed.addAll(now);
        narrowed.retainAll(allowed);
        Files.setPosixFilePermissions(p, narrowed);
        String what = p + " was " + PosixFilePermissions.toString(now) + ", now " + PosixFilePermissions.toString(narrowed);
        warner.warn("{}: readable by other local users; narrowed it (the hub's state holds its secrets)", what);
        fixed.add(what);
    }
}
