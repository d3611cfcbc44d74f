package io.notebookhub.spawner.local;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds the server processes of this hub by their marker, an environment variable set at launch:
 * {@code JUPYTERHUB_SPAWN_MARKER=<hub tag>.<spawn nonce>}. The hub tag is derived from the servers folder, so
 * two hubs on one machine never touch each other's processes; the nonce is new for every spawn and is recorded
 * before the launch, so a process is matched to exactly one start of one server. Every process a server starts
 * (kernels, terminals) inherits the marker, which is how a stop or the start-up sweep reaches all of them.
 * The marker lives in the environment because {@code /proc/<pid>/environ} of a process is fixed at exec and
 * readable by the hub (same user, or root when servers run as other users).
 */
final class ServerProcesses {
    static final String MARKER_ENV = "JUPYTERHUB_SPAWN_MARKER";
    private static final byte[] MARKER_BYTES = (MARKER_ENV + "=").getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Path PROC = Path.of("/proc");

    /** One process carrying a marker of this hub. */
    record Marked(long pid, long parent, long startTicks, String marker, String user, String serverName,
                  String serviceUrl) {
        Optional<Integer> port() {
            try {
                int port = URI.create(serviceUrl).getPort();
                return port > 0 ? Optional.of(port) : Optional.empty();
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }

        Optional<String> prefix() {
            try {
                return Optional.ofNullable(URI.create(serviceUrl).getPath()).filter(p -> !p.isEmpty());
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    private final String hubTag;

    ServerProcesses(Path serversDir) {
        this.hubTag = tagOf(serversDir);
    }

    /** A short, stable name for the hub that owns {@code serversDir}. */
    static String tagOf(Path serversDir) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    serversDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String hubTag() {
        return hubTag;
    }

    /** A marker for one new spawn. */
    String newMarker() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return hubTag + "." + HexFormat.of().formatHex(nonce);
    }

    boolean ours(String marker) {
        return marker != null && marker.startsWith(hubTag + ".");
    }

    /** Every live process carrying a marker of this hub. */
    List<Marked> scan() {
        List<Marked> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
            for (Path dir : entries) {
                long pid = Long.parseLong(dir.getFileName().toString());
                read(pid).filter(m -> ours(m.marker())).ifPresent(found::add);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + PROC + ": " + e.getMessage(), e);
        }
        return found;
    }

    /** The marker the process {@code pid} was started with, if it is alive and carries one. */
    static Optional<String> markerOf(long pid) {
        return read(pid).map(Marked::marker);
    }

    /**
     * The server process of each marker: the oldest process whose parent carries another marker (or none), so
     * that kernels and other children of a server are never taken for the server itself.
     */
    static Map<String, Marked> servers(List<Marked> processes) {
        Map<String, Set<Long>> pidsByMarker = processes.stream().collect(Collectors.groupingBy(Marked::marker,
                Collectors.mapping(Marked::pid, Collectors.toSet())));
        Map<String, Marked> out = new HashMap<>();
        processes.stream()
                .filter(p -> !pidsByMarker.get(p.marker()).contains(p.parent()))
                .sorted(Comparator.comparingLong(Marked::startTicks))
                .forEach(p -> out.putIfAbsent(p.marker(), p));
        return out;
    }

    private static Optional<Marked> read(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(pid + "/stat"));
            // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime
            // cstime priority nice threads itrealvalue starttime ...; comm may hold spaces and parentheses.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (f[0].equals("Z") || f[0].equals("X")) {
                return Optional.empty();
            }
            byte[] environ = Files.readAllBytes(PROC.resolve(pid + "/environ"));
            // Most processes on the machine are not servers: look for the marker before parsing the environment.
            if (indexOf(environ, MARKER_BYTES) < 0) {
                return Optional.empty();
            }
            Map<String, String> env = environment(environ);
            String marker = env.get(MARKER_ENV);
            if (marker == null) {
                return Optional.empty();
            }
            return Optional.of(new Marked(pid, Long.parseLong(f[1]), Long.parseLong(f[19]), marker,
                    env.getOrDefault("JUPYTERHUB_USER", "?"), env.getOrDefault("JUPYTERHUB_SERVER_NAME", ""),
                    env.getOrDefault("JUPYTERHUB_SERVICE_URL", "")));
        } catch (IOException | RuntimeException e) {
            // Gone meanwhile, a kernel thread, or another user's process the hub may not read: not ours.
            return Optional.empty();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Map<String, String> environment(byte[] environ) {
        Map<String, String> env = new HashMap<>();
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (i > start) {
                    String entry = new String(environ, start, i - start, StandardCharsets.UTF_8);
                    int eq = entry.indexOf('=');
                    if (eq > 0) {
                        env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
                    }
                }
                start = i + 1;
            }
        }
        return env;
    }

    private static boolean isPid(String name) {
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }
}
