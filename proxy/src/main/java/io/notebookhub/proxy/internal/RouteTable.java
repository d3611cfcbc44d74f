package io.notebookhub.proxy.internal;

import io.notebookhub.proxy.Route;
import io.notebookhub.proxy.RouteStore;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The route table: a trie keyed by whole path segments, so {@code /user/alice} never matches
 * {@code /user/alice2/...} and a lookup costs one hash probe per segment of the request path, however
 * many routes there are. Readers (every forwarding event loop) never lock; writers (the API) serialise
 * on the table.
 */
public final class RouteTable implements RouteStore {

    private static final class Node {
        volatile Map<String, Node> children;
        volatile RouteEntry entry;

        Node child(String segment) {
            Map<String, Node> c = children;
            return c == null ? null : c.get(segment);
        }
    }

    private final boolean hostRouting;
    private final Node root = new Node();
    private final ConcurrentHashMap<String, RouteEntry> byPrefix = new ConcurrentHashMap<>();

    public RouteTable(boolean hostRouting) {
        this.hostRouting = hostRouting;
    }

    /** CHP's trimPrefix: a leading slash, no trailing slash, "/" for the root. */
    public static String normalisePrefix(String prefix) {
        String p = prefix.startsWith("/") ? prefix : "/" + prefix;
        int end = p.length();
        while (end > 1 && p.charAt(end - 1) == '/') {
            end--;
        }
        return p.substring(0, end);
    }

    @Override
    public Future<Void> add(String prefix, String target, Map<String, Object> data) {
        try {
            put(prefix, target, data);
            return Future.succeededFuture();
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public Future<Void> remove(String prefix) {
        delete(prefix);
        return Future.succeededFuture();
    }

    @Override
    public Future<Map<String, Route>> list() {
        Map<String, Route> out = new HashMap<>();
        byPrefix.forEach((k, v) -> out.put(k, v.toRoute()));
        return Future.succeededFuture(out);
    }

    /** Adds or replaces a route; throws IllegalArgumentException for a target that is not an http(s) URL. */
    public synchronized RouteEntry put(String prefix, String target, Map<String, Object> data) {
        String key = normalisePrefix(prefix);
        String[] segments = segments(key);
        int pathPrefixLength = key.length();
        if (key.equals("/")) {
            pathPrefixLength = 0;
        } else if (hostRouting) {
            pathPrefixLength = key.length() - 1 - segments[0].length();
        }
        RouteEntry entry = new RouteEntry(key, target,
                Collections.unmodifiableMap(new LinkedHashMap<>(data)), pathPrefixLength, System.currentTimeMillis());
        Node node = root;
        for (String s : segments) {
            Map<String, Node> c = node.children;
            if (c == null) {
                c = new ConcurrentHashMap<>(2);
                node.children = c;
            }
            node = c.computeIfAbsent(s, x -> new Node());
        }
        node.entry = entry;
        byPrefix.put(key, entry);
        return entry;
    }

    /** Removes a route; true when it existed. */
    public synchronized boolean delete(String prefix) {
        String key = normalisePrefix(prefix);
        if (byPrefix.remove(key) == null) {
            return false;
        }
        String[] segments = segments(key);
        Node[] path = new Node[segments.length + 1];
        path[0] = root;
        for (int i = 0; i < segments.length; i++) {
            path[i + 1] = path[i].child(segments[i]);
        }
        path[segments.length].entry = null;
        // Prune empty branches so that 10,000 routes added and removed leave nothing behind.
        for (int i = segments.length; i > 0; i--) {
            Node n = path[i];
            if (n.entry != null || (n.children != null && !n.children.isEmpty())) {
                break;
            }
            path[i - 1].children.remove(segments[i - 1]);
        }
        return true;
    }

    public RouteEntry get(String prefix) {
        return byPrefix.get(normalisePrefix(prefix));
    }

    public Collection<RouteEntry> entries() {
        return byPrefix.values();
    }

    public int size() {
        return byPrefix.size();
    }

    /**
     * Longest-prefix match on whole segments.
     *
     * @param host the request's host name (used only under host routing)
     * @param path a path from {@link RequestPath#canonical}
     * @param endOut receives the index in {@code path} where the matched prefix ends
     * @return the matching route, or null when nothing (not even "/") matches
     */
    public RouteEntry match(String host, String path, int[] endOut) {
        Node node = root;
        RouteEntry best = root.entry;
        int bestEnd = 0;
        if (hostRouting) {
            node = host == null ? null : node.child(hostName(host));
            if (node == null) {
                endOut[0] = 0;
                return best;
            }
            if (node.entry != null) {
                best = node.entry;
            }
        }
        int n = path.length();
        int i = 1;
        while (i < n) {
            int j = path.indexOf('/', i);
            if (j < 0) {
                j = n;
            }
            String seg = RequestPath.needsDecoding(path, i, j)
                    ? RequestPath.decodeSegment(path, i, j) : path.substring(i, j);
            node = node.child(seg);
            if (node == null) {
                break;
            }
            if (node.entry != null) {
                best = node.entry;
                bestEnd = j;
            }
            i = j + 1;
        }
        endOut[0] = bestEnd;
        return best;
    }

    private String[] segments(String key) {
        if (key.equals("/")) {
            return new String[0];
        }
        String[] parts = key.substring(1).split("/");
        int count = 0;
        for (String p : parts) {
            if (!p.isEmpty()) {
                parts[count++] = p;
            }
        }
        String[] out = new String[count];
        System.arraycopy(parts, 0, out, 0, count);
        if (hostRouting && count > 0) {
            out[0] = out[0].toLowerCase(Locale.ROOT);
        }
        return out;
    }

    private static String hostName(String hostHeader) {
        int end = hostHeader.length();
        if (!hostHeader.startsWith("[")) {
            int colon = hostHeader.lastIndexOf(':');
            if (colon >= 0) {
                end = colon;
            }
        }
        return hostHeader.substring(0, end).toLowerCase(Locale.ROOT);
    }
}
