package io.notebookhub.hub.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFolderTest {
    @TempDir
    Path temp;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aNewDataFolderIsPrivateAndWiderFilesAreNarrowed() throws Exception {
        Path data = temp.resolve("data");
        assertThat(DataFolder.secure(data, false)).isEmpty();
        assertThat(mode(data)).isEqualTo("rwx------");
        Path state = Files.writeString(data.resolve("hub.mv.db"), "secret");
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createDirectories(data.resolve("users/.logs"));
        Path log = Files.writeString(data.resolve("users/.logs/alice.log"), "log");
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-rw-rw-"));

        assertThat(DataFolder.secure(data, false)).hasSize(4);

        assertThat(mode(state)).isEqualTo("rw-------");
        assertThat(mode(log)).isEqualTo("rw-------");
        assertThat(mode(data.resolve("users"))).isEqualTo("rwx------");
    }

    @Test
    void withServersAsOtherAccountsTheFoldersCanBeEnteredButNotListed() throws Exception {
        Path data = temp.resolve("data");
        DataFolder.secure(data, false);
        Files.createDirectories(data.resolve("users"));
        Files.setPosixFilePermissions(data.resolve("users"), PosixFilePermissions.fromString("rwx------"));

        DataFolder.secure(data, true);

        assertThat(mode(data)).isEqualTo("rwx--x--x");
        assertThat(mode(data.resolve("users"))).isEqualTo("rwx--x--x");
    }
}
