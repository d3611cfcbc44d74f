package io.notebookhub.proxy.internal;

import io.vertx.core.MultiMap;
import java.util.Map;

/** Copies headers across the proxy, leaving out the hop-by-hop ones (RFC 9110 7.6.1) and those named in Connection. */
final class HopHeaders {
    private static final String[] HOP_BY_HOP = {
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
        "te", "trailer", "transfer-encoding", "upgrade",
    };

    private HopHeaders() {}

    static boolean isHopByHop(String name) {
        int n = name.length();
        // Cheap length gate first: most headers (cookie, accept, user-agent...) leave here.
        if (n != 10 && n != 16 && n != 18 && n != 19 && n != 2 && n != 7 && n != 17) {
            return false;
        }
        for (String h : HOP_BY_HOP) {
            if (h.length() == n && h.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Copies end-to-end headers; {@code alsoDrop} is one more name to leave out (case-insensitive), or null. */
    static void copy(Iterable<Map.Entry<String, String>> from, MultiMap to, String alsoDrop) {
        String connection = null;
        for (Map.Entry<String, String> h : from) {
            String name = h.getKey();
            if (isHopByHop(name)) {
                if (name.length() == 10 && name.equalsIgnoreCase("connection")) {
                    connection = h.getValue();
                }
                continue;
            }
            if (alsoDrop != null && alsoDrop.equalsIgnoreCase(name)) {
                continue;
            }
            to.add(name, h.getValue());
        }
        if (connection != null && !isPlainToken(connection)) {
            for (String token : connection.split(",")) {
                String t = token.trim();
                if (!t.isEmpty()) {
                    to.remove(t);
                }
            }
        }
    }

    private static boolean isPlainToken(String v) {
        return v.equalsIgnoreCase("keep-alive") || v.equalsIgnoreCase("close") || v.equalsIgnoreCase("upgrade");
    }
}
