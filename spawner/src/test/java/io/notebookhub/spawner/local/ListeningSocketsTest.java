package io.notebookhub.spawner.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ListeningSocketsTest {
    @Test
    void splitsAKernelSocketLineIntoItsColumnsWhateverTheirPadding() {
        String line = "   3: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 "
                + "0000000000000000 100 0 0 10 0";
        assertThat(ListeningSockets.fields(line, 10)).containsExactly("3:", "0100007F:1F90", "00000000:0000", "0A",
                "00000000:00000000", "00:00000000", "00000000", "0", "0", "4242");
    }

    @Test
    void givesTheFieldsThereAreWhenALineIsShort() {
        assertThat(ListeningSockets.fields("  sl  local_address ", 10)).containsExactly("sl", "local_address");
        assertThat(ListeningSockets.fields("", 10)).isEmpty();
    }

    @Test
    void findsThePortThisProcessListensOn() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(ListeningSockets.read().portsOf(ProcessHandle.current().pid())).contains(socket.getLocalPort());
        }
    }
}
