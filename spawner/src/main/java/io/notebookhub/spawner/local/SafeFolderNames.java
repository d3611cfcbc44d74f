package io.notebookhub.spawner.local;

import java.nio.charset.StandardCharsets;

/**
 * A file-system-safe, distinct and stable folder name for any user or server name: letters, digits, '-' and
 * '.' stay (except a leading '.'), every other byte becomes {@code _xx}. {@code ..} or {@code a/b} can never
 * name a path outside the servers folder.
 */
public final class SafeFolderNames {
    private SafeFolderNames() {
    }

    public static String of(String name) {
        StringBuilder out = new StringBuilder();
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-'
                    || (b == '.' && i > 0);
            if (plain) {
                out.append((char) b);
            } else {
                out.append('_').append(String.format("%02x", b));
            }
        }
        return out.toString();
    }
}
