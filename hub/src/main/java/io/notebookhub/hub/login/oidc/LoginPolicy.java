package io.notebookhub.hub.login.oidc;

import io.notebookhub.hub.users.UserNames;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may log in and who is an admin, decided from the normalised user name and the provider's groups, as
 * JupyterHub's OAuthenticator does: blocked users never; otherwise anyone listed in allowed or admin users, or
 * in an allowed or admin group, or everyone with {@code allow_all}. Nobody is allowed by default.
 */
final class LoginPolicy {
    private final boolean allowAll;
    private final Set<String> allowedUsers;
    private final Set<String> allowedGroups;
    private final Set<String> blockedUsers;
    private final Set<String> adminUsers;
    private final Set<String> adminGroups;
    private final Set<String> hubAdmins;
    private final boolean stripDomain;
    private Set<String> allowedDomains = Set.of();

    /** Admin status is decided here only when admin users or groups are configured for the provider. */
    record Decision(boolean allowed, String reason, Boolean admin) {}

    LoginPolicy(boolean allowAll, Collection<String> allowedUsers, Collection<String> allowedGroups,
                Collection<String> blockedUsers, Collection<String> adminUsers, Collection<String> adminGroups,
                Collection<String> hubAdmins, boolean stripDomain) {
        this.allowAll = allowAll;
        this.stripDomain = stripDomain;
        this.allowedUsers = names(allowedUsers);
        this.allowedGroups = Set.copyOf(allowedGroups);
        this.blockedUsers = names(blockedUsers);
        this.adminUsers = names(adminUsers);
        this.adminGroups = Set.copyOf(adminGroups);
        this.hubAdmins = names(hubAdmins);
    }

    private Set<String> names(Collection<String> raw) {
        return raw.stream().map(this::normalize).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The hub user name for a provider's claim: surrounding blanks removed, lower case, and with
     * {@code strip_domain} everything from the first '@' on removed ({@code Alice.Smith@Example.org} becomes
     * {@code alice.smith}).
     */
    String normalize(String raw) {
        String name = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
        if (stripDomain) {
            int at = name.indexOf('@');
            if (at > 0) {
                name = name.substring(0, at);
            }
        }
        return name;
    }

    /** Only accounts whose user name claim ends in {@code @one-of-these} may log in; empty: any. */
    LoginPolicy allowDomains(Collection<String> domains) {
        this.allowedDomains = domains.stream().map(d -> d.strip().toLowerCase(Locale.ROOT).replaceFirst("^@", ""))
                .collect(Collectors.toUnmodifiableSet());
        return this;
    }

    /** Why the raw claim's domain is refused (checked before the domain is stripped), if it is. */
    Optional<String> domainProblem(String raw) {
        if (allowedDomains.isEmpty()) {
            return Optional.empty();
        }
        String name = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
        int at = name.lastIndexOf('@');
        String domain = at < 0 ? "" : name.substring(at + 1);
        return allowedDomains.contains(domain) ? Optional.empty()
                : Optional.of("accounts " + (domain.isEmpty() ? "without a domain" : "from " + domain)
                + " are not allowed on this hub");
    }

    /** Why a normalised name cannot be a hub user name, if it cannot. */
    static Optional<String> nameProblem(String name) {
        return UserNames.problem(name);
    }

    boolean usesGroups() {
        return !allowedGroups.isEmpty() || !adminGroups.isEmpty();
    }

    Decision decide(String name, Set<String> groups) {
        if (blockedUsers.contains(name)) {
            return new Decision(false, "user " + name + " is blocked on this hub", null);
        }
        boolean adminByGroup = intersects(groups, adminGroups);
        boolean allowed = allowAll || allowedUsers.contains(name) || adminUsers.contains(name)
                || hubAdmins.contains(name) || adminByGroup || intersects(groups, allowedGroups);
        if (!allowed) {
            String why = allowedGroups.isEmpty() ? "user " + name + " is not on this hub's list of allowed users"
                    : "user " + name + " is neither an allowed user nor in an allowed group ("
                    + String.join(", ", List.copyOf(allowedGroups)) + ")";
            return new Decision(false, why, null);
        }
        Boolean admin = adminUsers.isEmpty() && adminGroups.isEmpty() ? null
                : adminUsers.contains(name) || adminByGroup;
        return new Decision(true, "", admin);
    }

    private static boolean intersects(Set<String> a, Set<String> b) {
        return a.stream().anyMatch(b::contains);
    }
}
