package io.notebookhub.hub.paths;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/** JupyterHub's URL shapes for users and servers, with names escaped for use in a path. */
public final class UrlPaths {
    private UrlPaths() {
    }

    /** Percent-encodes everything but unreserved characters and '@' (as JupyterHub's url_escape_path). */
    public static String escape(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '@') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /** JupyterHub's OAuth client id for a server: {@code jupyterhub-user-NAME[-SERVER]}. */
    public static String clientId(String user, String serverName) {
        return "jupyterhub-user-" + escape(user) + (serverName.isEmpty() ? "" : "-" + escape(serverName));
    }

    /** {@code /user/alice/} or {@code /user/alice/gpu/}. */
    public static String serverPrefix(String user, String serverName) {
        return "/user/" + escape(user) + "/" + (serverName.isEmpty() ? "" : escape(serverName) + "/");
    }

    /** The proxy route for a server: its prefix without the trailing slash. */
    public static String routeSpec(String user, String serverName) {
        String prefix = serverPrefix(user, serverName);
        return prefix.substring(0, prefix.length() - 1);
    }

    /**
     * A {@code next} target that stays on this hub: a path starting with one '/', no scheme, host or
     * backslash trick. Anything else becomes {@code fallback}.
     */
    public static String safeNext(String next, String fallback) {
        if (next == null || next.isEmpty() || !next.startsWith("/") || next.startsWith("//")
                || next.contains("\\") || next.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            return fallback;
        }
        try {
            URI uri = URI.create(next);
            if (uri.getScheme() != null || uri.getRawAuthority() != null) {
                return fallback;
            }
        } catch (IllegalArgumentException e) {
            return fallback;
        }
        return next;
    }
}
