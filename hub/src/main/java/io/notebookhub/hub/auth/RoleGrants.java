package io.notebookhub.hub.auth;

import io.notebookhub.hub.store.UserRecord;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The roles of JupyterHub's {@code load_roles}: named sets of scopes given to users, groups and services. A role
 * named {@code user} redefines the role every user holds ({@code self} by default), as JupyterHub's examples do
 * to let every user log in to services ({@code scopes: [self, access:services]}).
 */
public record RoleGrants(List<Role> roles) {
    public static final RoleGrants NONE = new RoleGrants(List.of());

    /** One role; {@code scopes} may hold {@code self}, which stands for each user's own scopes. */
    public record Role(String name, String description, List<String> scopes, List<String> users, List<String> groups,
                       List<String> services) {}

    public RoleGrants {
        roles = List.copyOf(roles);
    }

    /** A user's scopes before expansion: the user role, the admin role for admins, and every role naming them. */
    public Set<String> userScopes(UserRecord user) {
        Set<String> out = new LinkedHashSet<>();
        Role userRole = roles.stream().filter(r -> r.name().equals("user")).findFirst().orElse(null);
        addFor(out, userRole == null ? List.of("self") : userRole.scopes(), user);
        if (user.admin()) {
            out.addAll(Scopes.ADMIN_ROLE);
        }
        for (Role r : roles) {
            boolean named = r.users().contains(user.name()) || r.groups().stream().anyMatch(user.groups()::contains);
            if (named && !r.name().equals("user")) {
                addFor(out, r.scopes(), user);
            }
        }
        return out;
    }

    private static void addFor(Set<String> out, List<String> scopes, UserRecord user) {
        for (String s : scopes) {
            if (s.equals("self")) {
                out.addAll(Scopes.selfScopes(user.name(), user.groups()));
            } else {
                out.addAll(Set.of(s));
            }
        }
    }

    /** The scopes of a service: those of every role naming it (JupyterHub gives services none by default). */
    public Set<String> serviceScopes(String service) {
        Set<String> out = new LinkedHashSet<>();
        roles.stream().filter(r -> r.services().contains(service)).forEach(r -> out.addAll(r.scopes()));
        return out;
    }

    /** The names of the roles naming the service, as its REST model lists them. */
    public List<String> serviceRoles(String service) {
        return roles.stream().filter(r -> r.services().contains(service)).map(Role::name).toList();
    }
}
