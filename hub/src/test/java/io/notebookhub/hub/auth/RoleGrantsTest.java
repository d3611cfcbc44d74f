package io.notebookhub.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.store.UserRecord;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoleGrantsTest {
    private static UserRecord user(String name, boolean admin, String... groups) {
        return new UserRecord(name, admin, Instant.EPOCH, null, Set.of(groups));
    }

    @Test
    void withoutRolesAUserHoldsSelfAndAnAdminTheAdminRoleAsBefore() {
        ScopeSet alice = ScopeSet.of(RoleGrants.NONE.userScopes(user("alice", false)));
        assertThat(alice.allowsServer("access:servers", "alice", "", Set.of())).isTrue();
        assertThat(alice.hasAny("access:services")).isFalse();
        ScopeSet root = ScopeSet.of(RoleGrants.NONE.userScopes(user("root", true)));
        assertThat(root.allowsService("access:services", "anything")).isTrue();
        assertThat(root.hasUnfiltered("shutdown")).isTrue();
    }

    @Test
    void aRedefinedUserRoleAndRolesNamingUsersOrGroupsAddTheirScopes() {
        RoleGrants roles = new RoleGrants(List.of(
                new RoleGrants.Role("user", "", List.of("self", "access:services!service=whoami"), List.of(), List.of(),
                        List.of()),
                new RoleGrants.Role("teachers", "", List.of("read:users"), List.of("carol"), List.of("staff"), List.of()),
                new RoleGrants.Role("culler", "", List.of("list:users", "delete:servers"), List.of(), List.of(),
                        List.of("idle-culler"))));
        ScopeSet alice = ScopeSet.of(roles.userScopes(user("alice", false)));
        assertThat(alice.allowsService("access:services", "whoami")).isTrue();
        assertThat(alice.allowsService("access:services", "other")).isFalse();
        assertThat(alice.allowsServer("servers", "alice", "", Set.of())).as("self kept").isTrue();
        assertThat(alice.hasUnfiltered("read:users")).isFalse();
        assertThat(ScopeSet.of(roles.userScopes(user("carol", false))).hasUnfiltered("read:users")).isTrue();
        assertThat(ScopeSet.of(roles.userScopes(user("dave", false, "staff"))).hasUnfiltered("read:users")).isTrue();
        assertThat(roles.serviceScopes("idle-culler")).containsExactly("list:users", "delete:servers");
        assertThat(roles.serviceRoles("idle-culler")).containsExactly("culler");
        assertThat(roles.serviceScopes("whoami")).isEmpty();
    }

    @Test
    void aUsersTokenForAServiceKeepsTheAccessScopeTheirRoleGrants() {
        RoleGrants roles = new RoleGrants(List.of(new RoleGrants.Role("user", "",
                List.of("self", "access:services"), List.of(), List.of(), List.of())));
        ScopeSet held = ScopeSet.of(roles.userScopes(user("alice", false)));
        ScopeSet token = ScopeSet.intersect(ScopeSet.of(Set.of("access:services!service=whoami",
                "access:services!service=x", "read:users:name!user=alice")), held, "alice", Set.of());
        assertThat(token.allowsService("access:services", "whoami")).isTrue();
        ScopeSet without = ScopeSet.intersect(ScopeSet.of(Set.of("access:services!service=whoami")),
                ScopeSet.of(RoleGrants.NONE.userScopes(user("alice", false))), "alice", Set.of());
        assertThat(without.allowsService("access:services", "whoami")).isFalse();
    }
}
