package io.notebookhub.spawner.local;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Homes and server logs readable by their owner only: a server log holds the server's start-up output (URLs with
 * tokens in older servers), and a home is a user's work. No-ops where the file system has no POSIX modes.
 */
final class PrivateFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFiles() {
    }

    static void restrict(Path path, String mode) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        }
    }

    /** Creates the file 0600; throws {@link FileAlreadyExistsException} if it exists. */
    static void createPrivateNew(Path file) throws IOException {
        if (POSIX) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
    }

    /** Creates the file 0600 if missing, and narrows it to 0600 if it exists. */
    static void createPrivate(Path file) throws IOException {
        try {
            createPrivateNew(file);
        } catch (FileAlreadyExistsException e) {
            restrict(file, "rw-------");
        }
    }
}
