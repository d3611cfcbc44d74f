package io.notebookhub.spawner.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which processes listen on which TCP port, read from {@code /proc}: the kernel's tables of sockets
 * ({@code /proc/net/tcp}, {@code tcp6}) name each listening socket's port and inode, and a process's open files
 * ({@code /proc/<pid>/fd}) link to the inodes of its sockets. A server process that still holds the listening
 * socket of its recorded port after a hub restart is known to be the server there, with no request sent; an
 * HTTP answer alone would not say whose process gave it.
 */
final class ListeningSockets {
    private static final Path PROC = Path.of("/proc");
    private static final int NO_PORT = -1;
    private static final int NOT_LISTENING = -2;
    /** About seven lines of a table. */
    private static final int READ_BYTES = 1024;

    private final Map<Long, Integer> portByInode;

    private ListeningSockets(Map<Long, Integer> portByInode) {
        this.portByInode = portByInode;
    }

    /** The listening TCP sockets of this network namespace now (both tables; one missing counts as empty). */
    static ListeningSockets read() {
        return read(NO_PORT);
    }

    /**
     * As {@link #read()}, but done once a listener of {@code port} has been read. The kernel writes a table's
     * listeners first and its connections after them, and writes only as much as each read asks for: walking its
     * table of connections (262,144 buckets on the build machine, however few hold anything) is what makes a whole
     * read cost 3-4 ms a table, so a look that stops among the listeners costs a few microseconds.
     */
    static ListeningSockets readUntilListenerOf(int port) {
        return read(port);
    }

    private static ListeningSockets read(int stopAtPort) {
        Map<Long, Integer> byInode = new HashMap<>();
        for (String table : List.of("net/tcp", "net/tcp6")) {
            try (InputStream in = Files.newInputStream(PROC.resolve(table))) {
                if (listeners(in, byInode, stopAtPort)) {
                    break;
                }
            } catch (IOException | RuntimeException e) {
                // No IPv6 in this kernel, or a line this reader does not know: that table names no further listener.
            }
        }
        return new ListeningSockets(byInode);
    }

    /**
     * Adds the port of every listening socket in a kernel table to {@code byInode}, until the listeners end (the
     * first connection's line: Linux writes its hash of listeners before its hash of connections, since 4.4 with no
     * half-open connection among them) or, once a listener of {@code stopAtPort} has been added, returning true.
     * After a busy while the connections are thousands of lines (closed ones wait a minute in TIME_WAIT) that no
     * answer here needs; were a listener ever written after a connection, a server on it would be adopted once it
     * answers rather than at once. The table has a line per socket:
     * {@code "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ..."}, the first
     * naming the columns. Read as bytes a kilobyte at a time (see {@link #readUntilListenerOf}), and only listeners'
     * lines made into strings: after a busy while the table holds thousands of closed connections (TIME_WAIT), and
     * decoding every line was most of a restart's look at {@code /proc}.
     */
    static boolean listeners(InputStream table, Map<Long, Integer> byInode, int stopAtPort) throws IOException {
        byte[] buffer = new byte[READ_BYTES];
        int filled = 0;
        boolean header = true;
        while (true) {
            int n = table.read(buffer, filled, buffer.length - filled);
            int end = n < 0 ? filled : filled + n;
            int line = 0;
            int newline;
            while ((newline = indexOf(buffer, (byte) '\n', line, end)) >= 0 || (n < 0 && line < end)) {
                int lineEnd = newline >= 0 ? newline : end;
                if (!header) {
                    int port = listener(buffer, line, lineEnd, byInode);
                    if (port == NOT_LISTENING) {
                        return false;
                    }
                    if (port == stopAtPort && stopAtPort != NO_PORT) {
                        return true;
                    }
                }
                header = false;
                line = lineEnd + 1;
            }
            if (n < 0) {
                return false;
            }
            // The start of a line the next read completes moves to the front; a line longer than the buffer grows it.
            filled = end - line;
            System.arraycopy(buffer, line, buffer, 0, filled);
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
        }
    }

    /**
     * Adds the listener that {@code table[from, end)} names, returning its port; {@link #NOT_LISTENING} for a
     * connection's line, {@link #NO_PORT} for a line cut short.
     */
    private static int listener(byte[] table, int from, int end, Map<Long, Integer> byInode) {
        int[] fields = fieldStarts(table, from, end);
        if (fields == null) {
            return NO_PORT;
        }
        if (!isListen(table, fields[3], end)) {
            return NOT_LISTENING;
        }
        String local = token(table, fields[1], end);
        int port = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
        byInode.put(Long.parseLong(token(table, fields[9], end)), port);
        return port;
    }

    /** The {@code st} column at {@code at} reads LISTEN ({@code 0A}). */
    private static boolean isListen(byte[] table, int at, int end) {
        return at + 2 < end && table[at] == '0' && table[at + 1] == 'A' && table[at + 2] == ' ';
    }

    /** Where the first ten blank-separated fields of {@code table[from, to)} start; null when it has fewer. */
    private static int[] fieldStarts(byte[] table, int from, int to) {
        int[] starts = new int[10];
        int at = from;
        for (int field = 0; field < starts.length; field++) {
            while (at < to && table[at] == ' ') {
                at++;
            }
            if (at == to) {
                return null;
            }
            starts[field] = at;
            while (at < to && table[at] != ' ') {
                at++;
            }
        }
        return starts;
    }

    private static String token(byte[] table, int from, int to) {
        int end = from;
        while (end < to && table[end] != ' ') {
            end++;
        }
        return new String(table, from, end - from, StandardCharsets.US_ASCII);
    }

    private static int indexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether the listening socket of {@code port} is held by {@code pid}, a process it started, or a process carrying
     * {@code marker} (a server's processes inherit it, even one a wrapper script started and left behind).
     */
    static boolean heldBy(long pid, String marker, int port) {
        // The first listener of the port read is the server's in all but odd cases (two sockets sharing the port
        // through SO_REUSEPORT); for those, every listener is read before the answer is no.
        return holds(readUntilListenerOf(port), pid, marker, port) || holds(read(), pid, marker, port);
    }

    private static boolean holds(ListeningSockets sockets, long pid, String marker, int port) {
        if (sockets.portsOf(pid).contains(port)) {
            return true;
        }
        Optional<ProcessHandle> server = ProcessHandle.of(pid);
        if (server.isPresent() && server.get().descendants().anyMatch(d -> sockets.portsOf(d.pid()).contains(port))) {
            return true;
        }
        return marker != null && ProcessHandle.allProcesses()
                .filter(p -> ServerProcesses.markerOf(p.pid()).filter(marker::equals).isPresent())
                .anyMatch(p -> sockets.portsOf(p.pid()).contains(port));
    }

    /** The ports {@code pid} holds a listening socket on; none when it is gone or not the hub's to read. */
    Set<Integer> portsOf(long pid) {
        Set<Integer> ports = new HashSet<>();
        if (portByInode.isEmpty()) {
            return ports;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(pid + "/fd"))) {
            for (Path fd : fds) {
                String target = readLink(fd);
                // A socket's link reads "socket:[<inode>]".
                if (target.startsWith("socket:[") && target.endsWith("]")) {
                    Integer port = portByInode.get(Long.parseLong(target.substring(8, target.length() - 1)));
                    if (port != null) {
                        ports.add(port);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Gone meanwhile, or not ours to read: it holds nothing this hub may count on.
        }
        return ports;
    }

    private static String readLink(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "";
        }
    }
}
