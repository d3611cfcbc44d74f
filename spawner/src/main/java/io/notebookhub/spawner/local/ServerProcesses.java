package io.notebookhub.spawner.local;

import io.notebookhub.spawner.ServerId;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
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
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Finds the server processes of this hub by their marker, an environment variable set at launch:
 * {@code JUPYTERHUB_SPAWN_MARKER=<hub tag>.<spawn nonce>.<seal>}. The hub tag is derived from the servers folder, so
 * two hubs on one machine never touch each other's processes; the nonce is new for every spawn and is recorded
 * before the launch, so a process is matched to exactly one start of one server. The seal is a MAC, under a key
 * only the hub can read, of the nonce and the server's user and name: a marker vouches for whose server it is, which
 * lets a restart route a server before the hub's records are read (see {@link #vouchedServer}). Every process a server
 * starts (kernels, terminals) inherits the marker, which is how a stop or the start-up sweep reaches all of them.
 * The marker lives in the environment because {@code /proc/<pid>/environ} of a process is fixed at exec and
 * readable by the hub (same user, or root when servers run as other users).
 */
final class ServerProcesses {
    static final String MARKER_ENV = "JUPYTERHUB_SPAWN_MARKER";
    /** Beside the users' folders, whose names never start with a dot ({@link SafeFolderNames}). */
    static final String KEY_FILE = ".marker-key";
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
    /**
     * Seals every marker, one at a time ({@code doFinal} leaves it ready for the next): a restart checks a hundred
     * markers at once, and asking JCE for a new Mac each time was most of that.
     */
    private final Mac sealer;

    /** Reads the sealing key of {@code serversDir}, making it (readable by the hub alone) on first use. */
    ServerProcesses(Path serversDir) {
        this.hubTag = tagOf(serversDir);
        try {
            this.sealer = Mac.getInstance("HmacSHA256");
            sealer.init(new SecretKeySpec(sealKey(serversDir.resolve(KEY_FILE)), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sealKey(Path file) {
        try {
            Files.createDirectories(file.getParent());
            try {
                PrivateFiles.createPrivateNew(file);
                return newKey(file);
            } catch (FileAlreadyExistsException e) {
                byte[] kept = Files.readAllBytes(file);
                // Torn by a crash while it was first written: nothing sealed with it ran, so a new key loses nothing.
                return kept.length < 32 ? newKey(file) : kept;
            }
        } catch (IOException e) {
            throw new IllegalStateException("the local spawner cannot read or create its key " + file + ": " + e, e);
        }
    }

    private static byte[] newKey(Path file) throws IOException {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        Files.write(file, key);
        return key;
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

    /** A marker for one new spawn of {@code server}, sealed to it. */
    String newMarker(ServerId server) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String hex = HexFormat.of().formatHex(nonce);
        return hubTag + "." + hex + "." + seal(hex, server.user(), server.serverName());
    }

    /**
     * The server that {@code p} (a server process, see {@link #servers}) is, when its marker's seal matches the user
     * and server name it was started with. Its environment is fixed at exec, so a user's code can give a process it
     * starts only a marker of its own server, and a claim to any other name fails the seal.
     */
    Optional<ServerId> vouchedServer(Marked p) {
        String[] parts = p.marker().split("\\.");
        if (parts.length != 3 || !ours(p.marker())) {
            return Optional.empty();
        }
        byte[] expected = seal(parts[1], p.user(), p.serverName()).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII))
                ? Optional.of(new ServerId(p.user(), p.serverName())) : Optional.empty();
    }

    private String seal(String nonce, String user, String serverName) {
        // NUL never occurs in an environment variable, so no two (nonce, user, server) give the same input.
        byte[] input = (nonce + "\0" + user + "\0" + serverName).getBytes(StandardCharsets.UTF_8);
        byte[] digest;
        synchronized (sealer) {
            digest = sealer.doFinal(input);
        }
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    boolean ours(String marker) {
        return ours(hubTag, marker);
    }

    private static boolean ours(String hubTag, String marker) {
        return marker != null && marker.startsWith(hubTag + ".");
    }

    /** Every live process carrying a marker of this hub. */
    List<Marked> scan() {
        return scan(hubTag);
    }

    /** Every live process carrying a marker of the hub tagged {@code hubTag} ({@link #tagOf}); needs no key. */
    static List<Marked> scan(String hubTag) {
        List<Marked> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
            for (Path dir : entries) {
                long pid = Long.parseLong(dir.getFileName().toString());
                read(pid).filter(m -> ours(hubTag, m.marker())).ifPresent(found::add);
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
            byte[] environ = Files.readAllBytes(PROC.resolve(pid + "/environ"));
            // Most processes on the machine are not servers: look for the marker before reading anything else.
            if (indexOf(environ, MARKER_BYTES) < 0) {
                return Optional.empty();
            }
            String stat = Files.readString(PROC.resolve(pid + "/stat"));
            // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime
            // cstime priority nice threads itrealvalue starttime ...; comm may hold spaces and parentheses.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (f[0].equals("Z") || f[0].equals("X")) {
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
