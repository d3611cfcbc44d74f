package io.notebookhub.hub.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultServerCommandTest {
    @TempDir
    Path temp;

    @Test
    void theVenvThatInstallToolsMakesIsStartedByItsAbsolutePath() throws Exception {
        Path command = temp.resolve(".tools/jupyter/bin/jupyterhub-singleuser");
        Files.createDirectories(command.getParent());
        Files.writeString(command, "#!/bin/sh\n");
        Files.setPosixFilePermissions(command, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(DefaultServerCommand.in(temp)).containsExactly(command.toAbsolutePath().toString());
    }

    @Test
    void withoutTheVenvTheServerOnThePathIsUsed() throws Exception {
        assertThat(DefaultServerCommand.in(temp)).containsExactly("jupyterhub-singleuser");
        Path notExecutable = temp.resolve(".tools/jupyter/bin/jupyterhub-singleuser");
        Files.createDirectories(notExecutable.getParent());
        Files.writeString(notExecutable, "");
        Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(DefaultServerCommand.in(temp)).containsExactly("jupyterhub-singleuser");
    }

    @Test
    void aConfiguredCommandWinsOverTheVenv() {
        HubConfig c = HubConfig.load(null, java.util.Map.of("NBHUB_SPAWNER_LOCAL_COMMAND", "/usr/bin/jupyterhub-singleuser"));
        assertThat(c.spawner().local().command()).containsExactly("/usr/bin/jupyterhub-singleuser");
    }
}
