package io.notebookhub.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopeSetTest {

    @Test
    void adminUsersImpliesReadingListingAndDeletingUsersButNotTheirServers() {
        ScopeSet s = ScopeSet.of(Set.of("admin:users"));
        assertThat(s.scopes()).contains("users", "read:users", "list:users", "read:users:name", "delete:users",
                "read:users:activity", "admin:auth_state");
        assertThat(s.hasAny("servers")).isFalse();
        assertThat(s.hasAny("tokens")).isFalse();
    }

    @Test
    void impliedScopesKeepTheirFilter() {
        ScopeSet s = ScopeSet.of(Set.of("servers!user=alice"));
        assertThat(s.scopes()).contains("read:servers!user=alice", "delete:servers!user=alice")
                .doesNotContain("read:servers", "delete:servers");
    }

    @Test
    void aUserFilterAllowsThatUsersServersAndNobodyElses() {
        ScopeSet s = ScopeSet.of(Set.of("access:servers!user=alice"));
        assertThat(s.allowsServer("access:servers", "alice", "", Set.of())).isTrue();
        assertThat(s.allowsServer("access:servers", "alice", "gpu", Set.of())).isTrue();
        assertThat(s.allowsServer("access:servers", "bob", "", Set.of())).isFalse();
        assertThat(s.hasAny("access:servers")).isTrue();
        assertThat(s.hasUnfiltered("access:servers")).isFalse();
    }

    @Test
    void aServerFilterAllowsOnlyThatOneServer() {
        ScopeSet s = ScopeSet.of(Set.of("access:servers!server=alice/gpu"));
        assertThat(s.allowsServer("access:servers", "alice", "gpu", Set.of())).isTrue();
        assertThat(s.allowsServer("access:servers", "alice", "", Set.of())).isFalse();
        assertThat(s.allowsUser("access:servers", "alice", Set.of())).isFalse();
    }

    @Test
    void aGroupFilterAllowsMembersOfThatGroupOnly() {
        ScopeSet s = ScopeSet.of(Set.of("read:users!group=physics"));
        assertThat(s.allowsUser("read:users", "carol", Set.of("physics", "chemistry"))).isTrue();
        assertThat(s.allowsUser("read:users", "dave", Set.of("chemistry"))).isFalse();
        assertThat(s.allowsGroup("read:users", "physics")).isTrue();
    }

    @Test
    void aTokenAskingForAdminScopesGetsOnlyWhatItsOwnerHolds() {
        ScopeSet owner = ScopeSet.of(Scopes.selfScopes("alice", Set.of()));
        ScopeSet token = ScopeSet.intersect(ScopeSet.of(Set.of("admin:users", "servers")), owner, "alice", Set.of());
        assertThat(token.hasUnfiltered("admin:users")).isFalse();
        assertThat(token.hasUnfiltered("servers")).isFalse();
        assertThat(token.allowsServer("servers", "alice", "", Set.of())).isTrue();
        assertThat(token.allowsServer("servers", "bob", "", Set.of())).isFalse();
        assertThat(token.allowsUser("read:users", "alice", Set.of())).isTrue();
        assertThat(token.allowsUser("delete:users", "alice", Set.of())).isFalse();
    }

    @Test
    void aTokenFilteredToAnotherUserHoldsNothingForANonAdminOwner() {
        ScopeSet owner = ScopeSet.of(Scopes.selfScopes("alice", Set.of()));
        ScopeSet token = ScopeSet.intersect(ScopeSet.of(Set.of("access:servers!user=bob")), owner, "alice", Set.of());
        assertThat(token.hasAny("access:servers")).isFalse();
    }

    @Test
    void anAdminOwnersFilteredTokenKeepsExactlyItsFilter() {
        ScopeSet admin = ScopeSet.of(Scopes.ADMIN_ROLE);
        ScopeSet token = ScopeSet.intersect(ScopeSet.of(Set.of("access:servers!user=alice")), admin, "root", Set.of());
        assertThat(token.allowsServer("access:servers", "alice", "", Set.of())).isTrue();
        assertThat(token.allowsServer("access:servers", "bob", "", Set.of())).isFalse();
    }

    @Test
    void aUserFilterIsKeptWhenTheOwnerHoldsTheScopeThroughTheirGroup() {
        ScopeSet owner = ScopeSet.of(Set.of("read:users!group=physics"));
        ScopeSet token = ScopeSet.intersect(ScopeSet.of(Set.of("read:users!user=carol")), owner, "carol",
                Set.of("physics"));
        assertThat(token.allowsUser("read:users", "carol", Set.of())).isTrue();
    }

    @Test
    void theBuiltInAdminRoleCanDoEverythingTheAdminPageNeeds() {
        ScopeSet admin = ScopeSet.of(Scopes.ADMIN_ROLE);
        for (String scope : Set.of("admin-ui", "list:users", "admin:users", "servers", "delete:servers",
                "access:servers", "tokens", "admin:groups", "read:hub", "proxy", "admin:server_state")) {
            assertThat(admin.hasUnfiltered(scope)).as(scope).isTrue();
        }
    }

    @Test
    void unknownScopesAndMalformedFiltersAreNotValid() {
        assertThat(Scopes.valid("read:users!user=alice")).isTrue();
        assertThat(Scopes.valid("access:servers!server=alice/")).isTrue();
        assertThat(Scopes.valid("access:servers!group=physics")).isTrue();
        assertThat(Scopes.valid("read:everything")).isFalse();
        assertThat(Scopes.valid("read:users!planet=mars")).isFalse();
        assertThat(Scopes.valid("access:servers!server=alice")).isFalse();
        assertThat(Scopes.valid("read:users!user=a!user=b")).isFalse();
    }
}
