package io.notebookhub.spawner.kubernetes.model;

import io.notebookhub.spawner.ServerId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Maps hub names (any Unicode, any case) to Kubernetes names that are DNS-1123 labels, stable across
 * restarts and distinct for distinct inputs.
 *
 * <p>A name that is already a short lowercase DNS label without {@code --} is used as it is, so the
 * common case stays readable ({@code alice} gives {@code jupyter-alice}). Any other name keeps a readable
 * sanitised prefix and gets {@code ---} plus sixteen hex digits of the SHA-256 of the exact original, so
 * {@code A-B} and {@code a-b} differ, and {@code 名前} still has a name. Earlier releases kept eight digits, which
 * real user lists collide in (two e-mail addresses shared one claim); {@link #legacyPvcName} still finds their
 * claims, and the spawner mounts a claim only when its annotation names the exact user. Because a kept name never contains
 * {@code --} and a server part never starts with {@code -}, {@code <user>--<server>} splits one way only.
 * Each safe part is at most {@value #MAX_PART} characters, so {@code jupyter-<user>--<server>} stays
 * within 63 characters.
 */
public final class SafeNames {
    public static final int MAX_PART = 26;
    private static final int HASH_DIGITS = 16;
    private static final int LEGACY_HASH_DIGITS = 8;
    private static final Pattern KEEP = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private SafeNames() {}

    /** The safe form of one name (a user name or a server name). */
    public static String safe(String name) {
        return safe(name, HASH_DIGITS);
    }

    private static String safe(String name, int hashDigits) {
        int maxPrefix = MAX_PART - 3 - hashDigits;
        if (name.length() <= MAX_PART && KEEP.matcher(name).matches() && !name.contains("--")) {
            return name;
        }
        String prefix = name.toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+", "");
        if (prefix.length() > maxPrefix) {
            prefix = prefix.substring(0, maxPrefix);
        }
        prefix = prefix.replaceAll("-+$", "");
        if (prefix.isEmpty()) {
            prefix = "x";
        }
        return prefix + "---" + hash(name, hashDigits);
    }

    /** {@code jupyter-<user>} or {@code jupyter-<user>--<server>}. */
    public static String podName(ServerId server) {
        String user = "jupyter-" + safe(server.user());
        return server.isDefault() ? user : user + "--" + safe(server.serverName());
    }

    /** {@code claim-<user>}: one home volume per user, shared by their named servers. */
    public static String pvcName(String user) {
        return "claim-" + safe(user);
    }

    /**
     * The claim name earlier releases gave this user (eight hex digits of hash); the same as {@link #pvcName} for a
     * name kept as it is. Another user may map to it too, so only a claim annotated with this user may be used.
     */
    public static String legacyPvcName(String user) {
        return "claim-" + safe(user, LEGACY_HASH_DIGITS);
    }

    /** A valid label value for arbitrary text (profile slugs may contain anything). */
    public static String labelValue(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        return safe(text);
    }

    private static String hash(String name, int hexDigits) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, hexDigits / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
