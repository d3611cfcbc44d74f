package io.notebookhub.spawner.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
    /** The {@code st} column of a socket in the LISTEN state. */
    private static final String LISTEN = "0A";

    private final Map<Long, Integer> portByInode;

    private ListeningSockets(Map<Long, Integer> portByInode) {
        this.portByInode = portByInode;
    }

    /** The listening TCP sockets of this network namespace now (both tables; one missing counts as empty). */
    static ListeningSockets read() {
        Map<Long, Integer> byInode = new HashMap<>();
        for (String table : List.of("net/tcp", "net/tcp6")) {
            try {
                List<String> lines = Files.readAllLines(PROC.resolve(table));
                // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ..."
                for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    String[] f = fields(line, 10);
                    if (f.length == 10 && LISTEN.equals(f[3])) {
                        byInode.put(Long.parseLong(f[9]),
                                Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // No IPv6 in this kernel, or a line this reader does not know: that table names no listener.
            }
        }
        return new ListeningSockets(byInode);
    }

    /**
     * The first {@code count} fields of a line of blank-separated columns (fewer when the line has fewer). Read by
     * hand: a regular expression's split is a restart's hottest loop here, compiled by the JIT only to be dropped.
     */
    static String[] fields(String line, int count) {
        String[] fields = new String[count];
        int found = 0;
        int at = 0;
        int length = line.length();
        while (found < count) {
            while (at < length && line.charAt(at) == ' ') {
                at++;
            }
            if (at == length) {
                return java.util.Arrays.copyOf(fields, found);
            }
            int end = at;
            while (end < length && line.charAt(end) != ' ') {
                end++;
            }
            fields[found++] = line.substring(at, end);
            at = end;
        }
        return fields;
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
