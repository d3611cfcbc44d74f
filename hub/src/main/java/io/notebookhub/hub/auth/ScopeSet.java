package io.notebookhub.hub.auth;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/** An expanded set of scopes, answering "may this act on that user / server / group?". */
public final class ScopeSet {
    private final Set<String> expanded;

    private ScopeSet(Set<String> expanded) {
        this.expanded = expanded;
    }

    public static ScopeSet of(Set<String> scopes) {
        return new ScopeSet(Collections.unmodifiableSet(Scopes.expand(scopes)));
    }

    public Set<String> scopes() {
        return expanded;
    }

    /** Holds {@code scope} for every resource (no filter). */
    public boolean hasUnfiltered(String scope) {
        return expanded.contains(scope);
    }

    /** Holds {@code scope} for at least some resource. */
    public boolean hasAny(String scope) {
        if (expanded.contains(scope)) {
            return true;
        }
        String prefix = scope + "!";
        return expanded.stream().anyMatch(s -> s.startsWith(prefix));
    }

    /** Holds {@code scope} for this user (any of whose groups may match a group filter). */
    public boolean allowsUser(String scope, String user, Set<String> groups) {
        return allows(scope, user, null, groups);
    }

    /** Holds {@code scope} for this server ({@code serverName} "" for the default server). */
    public boolean allowsServer(String scope, String user, String serverName, Set<String> groups) {
        return allows(scope, user, user + "/" + serverName, groups);
    }

    /** Holds {@code scope} for this service (JupyterHub's {@code !service=NAME} filter). */
    public boolean allowsService(String scope, String service) {
        return expanded.contains(scope) || expanded.contains(scope + "!service=" + service);
    }

    public boolean allowsGroup(String scope, String group) {
        return expanded.contains(scope) || expanded.contains(scope + "!group=" + group);
    }

    private boolean allows(String scope, String user, String server, Set<String> groups) {
        if (expanded.contains(scope)) {
            return true;
        }
        if (expanded.contains(scope + "!user=" + user)) {
            return true;
        }
        if (server != null && expanded.contains(scope + "!server=" + server)) {
            return true;
        }
        for (String g : groups) {
            if (expanded.contains(scope + "!group=" + g)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a token may do: the token's scopes narrowed to what its owner holds. A token never holds more than
     * its owner. Returns the readable list JupyterHub reports in {@code GET /api/user}.
     */
    public static ScopeSet intersect(ScopeSet token, ScopeSet owner, String ownerName, Set<String> ownerGroups) {
        Set<String> out = new TreeSet<>();
        for (String s : token.expanded) {
            String base = Scopes.base(s);
            String f = Scopes.filter(s);
            if (owner.expanded.contains(base)) {
                out.add(s);
            } else if (f == null) {
                owner.expanded.stream().filter(o -> o.startsWith(base + "!")).forEach(out::add);
            } else if (owner.expanded.contains(s)) {
                out.add(s);
            } else if (f.startsWith("server=") && owner.expanded.contains(base + "!user=" + f.substring(7, f.indexOf('/')))) {
                out.add(s);
            } else if (f.startsWith("user=")) {
                String u = f.substring(5);
                boolean viaGroup = u.equals(ownerName) && ownerGroups.stream()
                        .anyMatch(g -> owner.expanded.contains(base + "!group=" + g));
                if (viaGroup) {
                    out.add(s);
                }
            }
        }
        return new ScopeSet(Collections.unmodifiableSet(out));
    }

    @Override
    public String toString() {
        return new TreeSet<>(expanded).toString();
    }
}
