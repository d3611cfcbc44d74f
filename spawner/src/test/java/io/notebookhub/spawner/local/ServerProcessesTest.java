package io.notebookhub.spawner.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.spawner.ServerId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seal in a server's marker: it vouches for the user and server it was made for, and for nothing else. */
class ServerProcessesTest {
    @TempDir
    Path servers;
    @TempDir
    Path otherServers;

    private static ServerProcesses.Marked claiming(String marker, String user, String serverName) {
        return new ServerProcesses.Marked(4242, 1, 100, marker, user, serverName,
                "http://127.0.0.1:8888/user/" + user + "/");
    }

    @Test
    void aMarkerVouchesForTheServerItWasMadeFor() {
        ServerProcesses processes = new ServerProcesses(servers);
        String marker = processes.newMarker(new ServerId("alice", "gpu"));

        assertThat(processes.vouchedServer(claiming(marker, "alice", "gpu"))).contains(new ServerId("alice", "gpu"));
    }

    @Test
    void aMarkerDoesNotVouchForAProcessThatClaimsAnotherUserOrServer() {
        ServerProcesses processes = new ServerProcesses(servers);
        String alices = processes.newMarker(ServerId.defaultServer("alice"));

        assertThat(processes.vouchedServer(claiming(alices, "bob", ""))).isEmpty();
        assertThat(processes.vouchedServer(claiming(alices, "alice", "other"))).isEmpty();
        assertThat(processes.vouchedServer(claiming(alices, "alice", ""))).isPresent();
    }

    @Test
    void anAlteredUnsealedOrForeignMarkerVouchesForNothing() {
        ServerProcesses processes = new ServerProcesses(servers);
        String marker = processes.newMarker(ServerId.defaultServer("alice"));
        String altered = marker.substring(0, marker.length() - 1) + (marker.endsWith("0") ? "1" : "0");
        String unsealed = marker.substring(0, marker.lastIndexOf('.'));
        String foreign = new ServerProcesses(otherServers).newMarker(ServerId.defaultServer("alice"));

        assertThat(processes.vouchedServer(claiming(altered, "alice", ""))).isEmpty();
        assertThat(processes.vouchedServer(claiming(unsealed, "alice", ""))).isEmpty();
        assertThat(processes.vouchedServer(claiming(foreign, "alice", ""))).isEmpty();
    }

    @Test
    void theSealingKeyIsKeptAcrossRestartsAndReadableByTheHubAlone() throws Exception {
        String marker = new ServerProcesses(servers).newMarker(ServerId.defaultServer("alice"));

        ServerProcesses afterRestart = new ServerProcesses(servers);

        assertThat(afterRestart.vouchedServer(claiming(marker, "alice", ""))).isPresent();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                servers.resolve(ServerProcesses.KEY_FILE)))).isEqualTo("rw-------");
    }
}
