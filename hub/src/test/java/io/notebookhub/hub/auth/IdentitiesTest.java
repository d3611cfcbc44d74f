package io.notebookhub.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.store.H2HubStore;
import io.notebookhub.hub.users.Users;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cached identities must never outlive the change that should take them away. */
class IdentitiesTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private H2HubStore store;
    private Users users;
    private Identities identities;
    private Tokens tokens;

    @BeforeEach
    void open() {
        store = H2HubStore.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        users = new Users(store, clock, Set.of());
        identities = new Identities(store, users, clock, "the-admin-token");
        tokens = new Tokens(store, identities, clock);
        users.ensureAll(List.of("alice", "bob"), false);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private String token(String user, Set<String> scopes, Duration expiresIn) {
        return tokens.issue(user, "api", null, null, scopes, "test", expiresIn).token();
    }

    @Test
    void theAdminTokenIsAServiceWithTheAdminRole() {
        Principal p = identities.fromToken("the-admin-token").orElseThrow();
        assertThat(p.isUser()).isFalse();
        assertThat(p.scopes().hasUnfiltered("admin:users")).isTrue();
        assertThat(identities.fromToken("not-a-token")).isEmpty();
    }

    @Test
    void aRevokedTokenStopsWorkingAtOnceAlthoughItWasCached() {
        String t = token("alice", Set.of("inherit"), null);
        Principal p = identities.fromToken(t).orElseThrow();
        assertThat(identities.fromToken(t)).isPresent();
        tokens.revoke(p.tokenId());
        assertThat(identities.fromToken(t)).isEmpty();
    }

    @Test
    void revokingOneTokenLeavesTheOthersWorking() {
        String a = token("alice", Set.of("inherit"), null);
        String b = token("bob", Set.of("inherit"), null);
        identities.fromToken(b).orElseThrow();
        tokens.revoke(identities.fromToken(a).orElseThrow().tokenId());
        assertThat(identities.fromToken(b)).get().extracting(Principal::name).isEqualTo("bob");
    }

    @Test
    void aTokenExpiresOnTimeEvenWhenCached() {
        String t = token("alice", Set.of("inherit"), Duration.ofMinutes(1));
        assertThat(identities.fromToken(t)).isPresent();
        now.set(now.get().plus(Duration.ofMinutes(2)));
        assertThat(identities.fromToken(t)).isEmpty();
    }

    @Test
    void takingAwayAdminTakesTheAdminScopesFromTheUsersCachedTokens() {
        users.setAdmin("alice", true);
        String t = token("alice", Set.of("inherit"), null);
        assertThat(identities.fromToken(t).orElseThrow().scopes().hasUnfiltered("admin:users")).isTrue();
        users.setAdmin("alice", false);
        Principal after = identities.fromToken(t).orElseThrow();
        assertThat(after.admin()).isFalse();
        assertThat(after.scopes().hasUnfiltered("admin:users")).isFalse();
    }

    @Test
    void aTokenNeverHoldsMoreThanItsOwnerEvenIfItWasGrantedMore() {
        String t = token("bob", Set.of("admin:users", "access:servers!user=alice"), null);
        Principal p = identities.fromToken(t).orElseThrow();
        assertThat(p.scopes().hasUnfiltered("admin:users")).isFalse();
        assertThat(p.scopes().allowsServer("access:servers", "alice", "", Set.of())).isFalse();
        assertThat(p.scopes().allowsUser("read:users", "bob", Set.of())).isTrue();
    }

    @Test
    void deletingTheOwnerEndsTheirTokens() {
        String t = token("alice", Set.of("inherit"), null);
        assertThat(identities.fromToken(t)).isPresent();
        users.delete("alice");
        assertThat(identities.fromToken(t)).isEmpty();
    }

    @Test
    void joiningAGroupShowsInTheUsersCachedIdentity() {
        String t = token("alice", Set.of("inherit"), null);
        assertThat(identities.fromToken(t).orElseThrow().groups()).isEmpty();
        store.createGroup("physics");
        store.addGroupMembers("physics", List.of("alice"));
        users.refresh("alice");
        assertThat(identities.fromToken(t).orElseThrow().groups()).containsExactly("physics");
    }

    /** Alice's default server, which a share needs, stored as the hub stores a running one. */
    private void aliceRunsHerServer() {
        store.saveServer(new io.notebookhub.hub.store.ServerRecord("alice", "", "running", null, java.util.Map.of(),
                "http://127.0.0.1:1", java.util.Map.of(), now.get(), now.get(), null));
    }

    @Test
    void aSharedServersAccessScopeReachesBobsCachedTokenAndLeavesItAtOnceOnRevocation() {
        aliceRunsHerServer();
        // The token an OAuth login to alice's server gives bob: it asks for the access scope, bob must hold it.
        String t = tokens.issue("bob", "oauth", "", "jupyterhub-user-alice", Set.of("access:servers!server=alice/",
                "read:users:name!user=bob"), "oauth", null).token();
        assertThat(identities.fromToken(t).orElseThrow().scopes().allowsServer("access:servers", "alice", "", Set.of()))
                .isFalse();

        store.shares().grant("alice", "", "user", "bob", List.of("access:servers!server=alice/"), now.get());
        assertThat(identities.cachedToken(t).answered()).as("the cached answer is stale once a share changed").isFalse();
        assertThat(identities.fromToken(t).orElseThrow().scopes().scopes()).contains("access:servers!server=alice/");
        assertThat(identities.cachedToken(t).principal().orElseThrow().scopes().scopes())
                .contains("access:servers!server=alice/");

        store.shares().revoke("alice", "", "user", "bob", null);
        assertThat(identities.fromToken(t).orElseThrow().scopes().allowsServer("access:servers", "alice", "", Set.of()))
                .isFalse();
    }

    @Test
    void aGroupShareEndsForAMemberWhoLeavesTheGroupAndForAllWhenTheServerIsDeleted() {
        aliceRunsHerServer();
        store.createGroup("team");
        store.addGroupMembers("team", List.of("bob"));
        users.refresh("bob");
        store.shares().grant("alice", "", "group", "team", List.of("access:servers!server=alice/"), now.get());
        String t = token("bob", Set.of("inherit"), null);
        assertThat(identities.fromToken(t).orElseThrow().scopes().allowsServer("access:servers", "alice", "", Set.of()))
                .isTrue();

        store.deleteServer("alice", "");
        assertThat(store.shares().sharesOf("alice", null)).as("gone with the server").isEmpty();
        assertThat(identities.fromToken(t).orElseThrow().scopes().allowsServer("access:servers", "alice", "", Set.of()))
                .isFalse();
    }
}
