package io.notebookhub.spawner.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private final Map<Long, Integer> portByInode;

    private ListeningSockets(Map<Long, Integer> portByInode) {
        this.portByInode = portByInode;
    }

    /** The listening TCP sockets of this network namespace now (both tables; one missing counts as empty). */
    static ListeningSockets read() {
        Map<Long, Integer> byInode = new HashMap<>();
        for (String table : List.of("net/tcp", "net/tcp6")) {
            try {
                listeners(Files.readAllBytes(PROC.resolve(table)), byInode);
            } catch (IOException | RuntimeException e) {
                // No IPv6 in this kernel, or a line this reader does not know: that table names no listener.
            }
        }
        return new ListeningSockets(byInode);
    }

    /**
     * Adds the port of every listening socket in a kernel table to {@code byInode}. The table has a line per socket:
     * {@code "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ..."}, the first
     * naming the columns. Read as bytes, and only listeners' lines made into strings: after a busy while the table
     * holds thousands of closed connections (TIME_WAIT), and decoding every line was most of a restart's look at
     * {@code /proc}.
     */
    static void listeners(byte[] table, Map<Long, Integer> byInode) {
        int line = indexOf(table, (byte) '\n', 0) + 1;
        while (line > 0 && line < table.length) {
            int end = indexOf(table, (byte) '\n', line);
            if (end < 0) {
                end = table.length;
            }
            int[] fields = fieldStarts(table, line, end);
            if (fields != null && isListen(table, fields[3], end)) {
                String local = token(table, fields[1], end);
                byInode.put(Long.parseLong(token(table, fields[9], end)),
                        Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
            }
            line = end + 1;
        }
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

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
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
        ListeningSockets sockets = read();
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
