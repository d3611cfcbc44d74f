package io.notebookhub.spawner.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListeningSocketsTest {
    /**
     * Lines as Linux writes them: a header, right-aligned slot numbers, the listeners, then the connections (a closed
     * one waiting in TIME_WAIT, an established one).
     */
    private static final String TABLE = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
             123: 00000000:C350 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1 0000000000000000 100 0 0 10 0
             124: 0100007F:9C40 0100007F:1F90 06 00000000:00000000 03:00000A1B 00000000     0        0 0 3 0000000000000000
             125: 0100007F:1F90 0100007F:9C41 01 00000000:00000000 00:00000000 00000000     0        0 5151 1 0000000000000000 20 4 30 10 -1
            """;

    private static final int NO_PORT = -1;

    @Test
    void findsEachListeningSocketsPortByItsInodeAndNothingElse() throws Exception {
        Map<Long, Integer> found = new HashMap<>();
        assertThat(ListeningSockets.listeners(stream(TABLE), found, NO_PORT)).isFalse();
        assertThat(found).containsExactlyInAnyOrderEntriesOf(Map.of(4242L, 8080, 777L, 50000));
    }

    @Test
    void stopsReadingAtTheFirstConnectionForTheListenersAreOver() throws Exception {
        String closed = "   9: 0100007F:9C40 0100007F:1F90 06 00000000:00000000 03:00000A1B 00000000     0        0 0 3"
                + " 0000000000000000\n";
        FewBytesAtATime table = new FewBytesAtATime((TABLE + closed.repeat(200)).getBytes(StandardCharsets.US_ASCII),
                1024);
        Map<Long, Integer> found = new HashMap<>();
        assertThat(ListeningSockets.listeners(table, found, NO_PORT)).isFalse();
        assertThat(found).containsExactlyInAnyOrderEntriesOf(Map.of(4242L, 8080, 777L, 50000));
        assertThat(table.left()).as("bytes of the table left unread").isGreaterThan(150 * closed.length());
    }

    @Test
    void linesSplitAcrossReadsAreReadWhole() throws Exception {
        Map<Long, Integer> found = new HashMap<>();
        ListeningSockets.listeners(new FewBytesAtATime(TABLE.getBytes(StandardCharsets.US_ASCII), 7), found, NO_PORT);
        assertThat(found).containsExactlyInAnyOrderEntriesOf(Map.of(4242L, 8080, 777L, 50000));
    }

    @Test
    void aLineLongerThanTheReadBufferIsReadWhole() throws Exception {
        String header = "  sl  local_address" + " ".repeat(3000) + "inode\n";
        String listener = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0"
                + "        0 4242 1 " + "0".repeat(3000) + "\n";
        Map<Long, Integer> found = new HashMap<>();
        ListeningSockets.listeners(stream(header + listener), found, NO_PORT);
        assertThat(found).containsExactly(Map.entry(4242L, 8080));
    }

    @Test
    void aLookForOnePortStopsReadingAtItsListener() throws Exception {
        Map<Long, Integer> found = new HashMap<>();
        FewBytesAtATime table = new FewBytesAtATime(TABLE.getBytes(StandardCharsets.US_ASCII), 200);
        assertThat(ListeningSockets.listeners(table, found, 8080)).isTrue();
        assertThat(found).containsExactly(Map.entry(4242L, 8080));
        assertThat(table.left()).as("bytes of the table left unread").isPositive();
    }

    @Test
    void aLookForAPortNobodyListensOnReadsTheWholeTable() throws Exception {
        Map<Long, Integer> found = new HashMap<>();
        assertThat(ListeningSockets.listeners(stream(TABLE), found, 9999)).isFalse();
        assertThat(found).containsOnlyKeys(4242L, 777L);
    }

    @Test
    void aTableWithTheHeaderAloneOrCutShortNamesNoListener() throws Exception {
        Map<Long, Integer> found = new HashMap<>();
        ListeningSockets.listeners(stream("  sl  local_address rem_address   st\n"), found, NO_PORT);
        ListeningSockets.listeners(stream("  sl\n   0: 0100007F:1F90 00000000:0000 0A 0000"), found, NO_PORT);
        ListeningSockets.listeners(stream(""), found, NO_PORT);
        assertThat(found).isEmpty();
    }

    @Test
    void findsThePortThisProcessListensOn() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long self = ProcessHandle.current().pid();
            assertThat(ListeningSockets.read().portsOf(self)).contains(socket.getLocalPort());
            assertThat(ListeningSockets.readUntilListenerOf(socket.getLocalPort()).portsOf(self))
                    .contains(socket.getLocalPort());
            assertThat(ListeningSockets.heldBy(self, null, socket.getLocalPort())).isTrue();
        }
    }

    private static InputStream stream(String table) {
        return new ByteArrayInputStream(table.getBytes(StandardCharsets.US_ASCII));
    }

    /** Hands out at most {@code most} bytes a read, as the kernel writes as much of a table as each read asks. */
    private static final class FewBytesAtATime extends ByteArrayInputStream {
        private final int most;

        FewBytesAtATime(byte[] bytes, int most) {
            super(bytes);
            this.most = most;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, most));
        }

        int left() {
            return count - pos;
        }
    }
}
