package io.notebookhub.hub.auth;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JupyterHub's scope vocabulary: which scopes imply which, and what the built-in roles hold.
 * A scope may carry one filter: {@code !user=NAME}, {@code !server=USER/SERVER} or {@code !group=NAME}.
 */
public final class Scopes {
    private Scopes() {
    }

    /** Each scope and the scopes it directly implies (JupyterHub's scope hierarchy). */
    static final Map<String, List<String>> IMPLIES = Map.ofEntries(
            Map.entry("admin:users", List.of("admin:auth_state", "users", "read:roles:users", "delete:users")),
            Map.entry("users", List.of("read:users", "list:users", "users:activity")),
            Map.entry("list:users", List.of("read:users:name")),
            Map.entry("read:users", List.of("read:users:name", "read:users:groups", "read:users:activity")),
            Map.entry("users:activity", List.of("read:users:activity")),
            Map.entry("read:roles", List.of("read:roles:users", "read:roles:services", "read:roles:groups")),
            Map.entry("admin:servers", List.of("admin:server_state", "servers")),
            Map.entry("servers", List.of("read:servers", "delete:servers")),
            Map.entry("read:servers", List.of("read:users:name")),
            Map.entry("tokens", List.of("read:tokens")),
            Map.entry("admin:groups", List.of("groups", "delete:groups")),
            Map.entry("groups", List.of("read:groups", "list:groups")),
            Map.entry("list:groups", List.of("read:groups:name")),
            Map.entry("read:groups", List.of("read:groups:name")),
            Map.entry("admin:services", List.of("list:services", "read:services", "read:roles:services")),
            Map.entry("list:services", List.of("read:services:name")),
            Map.entry("read:services", List.of("read:services:name")),
            Map.entry("shares", List.of("access:servers", "read:shares", "users:shares", "groups:shares")),
            Map.entry("users:shares", List.of("read:users:shares")),
            Map.entry("groups:shares", List.of("read:groups:shares")));

    /** Every scope name JupyterHub defines (plus our {@code admin:profiles}). */
    public static final Set<String> KNOWN = Set.of(
            "self", "inherit", "admin-ui", "admin:users", "admin:auth_state", "users", "delete:users", "list:users",
            "read:users", "read:users:name", "read:users:groups", "read:users:activity", "users:activity",
            "read:roles", "read:roles:users", "read:roles:services", "read:roles:groups", "admin:servers",
            "admin:server_state", "servers", "read:servers", "delete:servers", "tokens", "read:tokens",
            "admin:groups", "groups", "read:groups", "list:groups", "read:groups:name", "delete:groups",
            "list:services", "read:services", "read:services:name", "read:hub", "access:servers",
            "access:services", "proxy", "shutdown", "read:metrics", "admin:profiles", "admin:services", "shares",
            "read:shares", "users:shares", "read:users:shares", "groups:shares", "read:groups:shares");

    /** JupyterHub's admin role. */
    public static final Set<String> ADMIN_ROLE = Set.of("admin-ui", "admin:users", "admin:servers", "tokens",
            "admin:groups", "list:services", "read:services", "read:hub", "proxy", "shutdown", "access:services",
            "access:servers", "read:roles", "read:metrics", "admin:profiles", "shares");

    /**
     * What {@code self} means for one user: everything about themselves and their own servers and tokens, reading
     * and leaving what is shared with them, and (unlike JupyterHub, whose default user role needs
     * {@code shares!user} added) sharing their own servers.
     */
    public static Set<String> selfScopes(String user, Set<String> groups) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : List.of("read:users", "users:activity", "servers", "tokens", "access:servers", "read:roles:users",
                "delete:servers", "read:tokens", "users:shares", "read:shares", "shares")) {
            out.add(s + "!user=" + user);
        }
        for (String g : groups) {
            out.add("read:groups!group=" + g);
        }
        return out;
    }

    /** A single-user server's own token: report activity, and let it check who may access it. */
    public static Set<String> serverRole(String user, String serverName) {
        return Set.of("users:activity!user=" + user, "access:servers!server=" + user + "/" + serverName,
                "read:users:name!user=" + user);
    }

    /** The scope name without its filter. */
    static String base(String scope) {
        int bang = scope.indexOf('!');
        return bang < 0 ? scope : scope.substring(0, bang);
    }

    /** The filter part ({@code user=alice}), or null. */
    static String filter(String scope) {
        int bang = scope.indexOf('!');
        return bang < 0 ? null : scope.substring(bang + 1);
    }

    /** Expands each scope to itself and everything it implies, keeping its filter. */
    public static Set<String> expand(Set<String> scopes) {
        Set<String> out = new LinkedHashSet<>();
        for (String scope : scopes) {
            String f = filter(scope);
            Deque<String> todo = new ArrayDeque<>(List.of(base(scope)));
            while (!todo.isEmpty()) {
                String s = todo.pop();
                if (out.add(f == null ? s : s + "!" + f)) {
                    todo.addAll(IMPLIES.getOrDefault(s, List.of()));
                }
            }
        }
        return out;
    }

    /** True when the text is a scope this hub understands, with a well-formed filter. */
    public static boolean valid(String scope) {
        String f = filter(scope);
        if (!KNOWN.contains(base(scope))) {
            return false;
        }
        return f == null || f.matches("(user|group|service)=[^!/]+|server=[^!/]+/[^!/]*");
    }
}
