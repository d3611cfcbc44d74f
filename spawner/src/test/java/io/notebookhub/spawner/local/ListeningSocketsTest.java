package io.notebookhub.spawner.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListeningSocketsTest {
    /** Lines as Linux writes them: right-aligned slot numbers, a header, closed connections among the listeners. */
    private static final String TABLE = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
               1: 0100007F:9C40 0100007F:1F90 06 00000000:00000000 03:00000A1B 00000000     0        0 0 3 0000000000000000
               2: 0100007F:1F90 0100007F:9C41 01 00000000:00000000 00:00000000 00000000     0        0 5151 1 0000000000000000 20 4 30 10 -1
             123: 00000000:C350 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1 0000000000000000 100 0 0 10 0
            """;

    @Test
    void findsEachListeningSocketsPortByItsInodeAndNothingElse() {
        Map<Long, Integer> found = new HashMap<>();
        ListeningSockets.listeners(TABLE.getBytes(StandardCharsets.US_ASCII), found);
        assertThat(found).containsExactlyInAnyOrderEntriesOf(Map.of(4242L, 8080, 777L, 50000));
    }

    @Test
    void aTableWithTheHeaderAloneOrCutShortNamesNoListener() {
        Map<Long, Integer> found = new HashMap<>();
        ListeningSockets.listeners("  sl  local_address rem_address   st\n".getBytes(StandardCharsets.US_ASCII), found);
        ListeningSockets.listeners("  sl\n   0: 0100007F:1F90 00000000:0000 0A 0000".getBytes(StandardCharsets.US_ASCII), found);
        ListeningSockets.listeners(new byte[0], found);
        assertThat(found).isEmpty();
    }

    @Test
    void findsThePortThisProcessListensOn() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(ListeningSockets.read().portsOf(ProcessHandle.current().pid())).contains(socket.getLocalPort());
        }
    }
}
