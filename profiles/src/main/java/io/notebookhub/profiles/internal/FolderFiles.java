package io.notebookhub.profiles.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The profile files of a folder: regular files (symlinks followed) named {@code *.yaml} or {@code *.yml}, not
 * hidden. Hidden entries are skipped on purpose: a mounted ConfigMap keeps its real files in {@code ..data} and
 * {@code ..2026_...} and exposes them through top-level symlinks, and our own temporary files start with a dot.
 */
public final class FolderFiles {
    private FolderFiles() {
    }

    public static boolean isProfileFileName(String name) {
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"))
                && name.matches("[A-Za-z0-9._-]+");
    }

    /** File name to text, sorted by name so the listing order is stable. */
    public static Map<String, String> read(Path folder) throws IOException {
        Map<String, String> out = new TreeMap<>();
        List<Path> entries;
        try (Stream<Path> list = Files.list(folder)) {
            entries = list.toList();
        }
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (isProfileFileName(name) && Files.isRegularFile(p)) {
                out.put(name, Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** A digest of names and contents: changes when any profile file's content changes, however it changed. */
    public static String fingerprint(Map<String, String> files) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            files.forEach((name, text) -> {
                digest.update(name.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(text.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            });
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
