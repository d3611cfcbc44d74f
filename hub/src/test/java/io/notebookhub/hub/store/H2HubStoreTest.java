package io.notebookhub.hub.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.store.HubStore.UserState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class H2HubStoreTest {
    /** The embedded store here; the PostgreSQL subclass runs every test again on PostgreSQL. */
    StoreDatabase database() {
        return StoreDatabase.h2();
    }

    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
    private H2HubStore store;

    final StoreDatabase db = database();

    @BeforeEach
    void open() {
        store = db.open();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void server(String user, String name, String status) {
        store.saveServer(new ServerRecord(user, name, status, "small", Map.of(), null, Map.of(), NOW, NOW, null));
    }

    @Test
    void bulkCreationSkipsExistingUsersAndDuplicatesAndReportsWhatItCreated() {
        store.ensureUser("bob", false, NOW);
        List<String> created = store.ensureUsers(List.of("alice", "bob", "carol", "alice"), true, NOW);
        assertThat(created).containsExactly("alice", "carol");
        assertThat(store.user("alice")).get().extracting(UserRecord::admin).isEqualTo(true);
        assertThat(store.user("bob")).get().extracting(UserRecord::admin).isEqualTo(false);
        assertThat(store.countUsers("", UserState.ANY)).isEqualTo(3);
    }

    @Test
    void theServersOfAWholePageComeBackInOneCallKeyedByUser() {
        store.ensureUsers(List.of("alice", "bob", "carol"), false, NOW);
        server("alice", "", ServerRecord.RUNNING);
        server("alice", "gpu", ServerRecord.STOPPED);
        server("bob", "", ServerRecord.STARTING);
        Map<String, List<ServerRecord>> byUser = store.servers(List.of("alice", "bob", "carol"));
        assertThat(byUser.get("alice")).extracting(ServerRecord::name).containsExactly("", "gpu");
        assertThat(byUser.get("bob")).extracting(ServerRecord::status).containsExactly(ServerRecord.STARTING);
        assertThat(byUser.get("carol")).isEmpty();
        assertThat(store.servers(List.<String>of())).isEmpty();
    }

    @Test
    void theStateFilterSelectsUsersByTheirServers() {
        store.ensureUsers(List.of("alice", "bob", "carol", "dave"), false, NOW);
        server("alice", "", ServerRecord.RUNNING);
        server("bob", "", ServerRecord.STARTING);
        server("carol", "", ServerRecord.STOPPED);
        assertThat(store.users(0, 10, "", UserState.READY)).extracting(UserRecord::name).containsExactly("alice");
        assertThat(store.users(0, 10, "", UserState.ACTIVE)).extracting(UserRecord::name)
                .containsExactly("alice", "bob");
        assertThat(store.users(0, 10, "", UserState.INACTIVE)).extracting(UserRecord::name)
                .containsExactly("carol", "dave");
        assertThat(store.countUsers("", UserState.READY)).isEqualTo(1);
    }

    @Test
    void theNameFilterMatchesAnywhereInTheNameAndTakesWildcardsLiterally() {
        store.ensureUsers(List.of("alice", "malik", "bob", "a_b", "axb"), false, NOW);
        assertThat(store.users(0, 10, "li", UserState.ANY)).extracting(UserRecord::name)
                .containsExactly("alice", "malik");
        assertThat(store.users(0, 10, "LI", UserState.ANY)).extracting(UserRecord::name)
                .containsExactly("alice", "malik");
        assertThat(store.users(0, 10, "a_", UserState.ANY)).extracting(UserRecord::name).containsExactly("a_b");
        assertThat(store.countUsers("%", UserState.ANY)).isZero();
    }

    @Test
    void pagesAreOrderedByNameAndEndCleanly() {
        store.ensureUsers(List.of("e", "d", "c", "b", "a"), false, NOW);
        assertThat(store.users(0, 2, "", UserState.ANY)).extracting(UserRecord::name).containsExactly("a", "b");
        assertThat(store.users(4, 2, "", UserState.ANY)).extracting(UserRecord::name).containsExactly("e");
        assertThat(store.users(5, 2, "", UserState.ANY)).isEmpty();
    }

    @Test
    void groupsKeepTheirMembersAndPropertiesAndShowInTheirMembersRecords() {
        store.ensureUsers(List.of("alice", "bob"), false, NOW);
        assertThat(store.createGroup("physics")).isTrue();
        assertThat(store.createGroup("physics")).isFalse();
        store.addGroupMembers("physics", List.of("bob", "alice", "bob"));
        store.setGroupProperties("physics", Map.of("course", "PHY101", "seats", 30));
        GroupRecord g = store.group("physics").orElseThrow();
        assertThat(g.users()).containsExactly("alice", "bob");
        assertThat(g.properties()).containsEntry("course", "PHY101").containsEntry("seats", 30);
        assertThat(store.user("alice").orElseThrow().groups()).containsExactly("physics");

        store.removeGroupMembers("physics", List.of("alice"));
        assertThat(store.group("physics").orElseThrow().users()).containsExactly("bob");
        assertThat(store.user("alice").orElseThrow().groups()).isEmpty();
    }

    @Test
    void deletingAGroupKeepsItsUsersAndDeletingAUserLeavesTheGroup() {
        store.ensureUsers(List.of("alice", "bob"), false, NOW);
        store.createGroup("a");
        store.createGroup("b");
        store.addGroupMembers("a", List.of("alice", "bob"));
        store.addGroupMembers("b", List.of("alice"));
        store.deleteUser("bob");
        assertThat(store.group("a").orElseThrow().users()).containsExactly("alice");
        assertThat(store.deleteGroup("a")).isTrue();
        assertThat(store.deleteGroup("a")).isFalse();
        assertThat(store.user("alice").orElseThrow().groups()).containsExactly("b");
        assertThat(store.groups(0, 10)).extracting(GroupRecord::name).containsExactly("b");
        assertThat(store.countGroups()).isEqualTo(1);
    }

    @Test
    void aUsersCachedServersFollowEveryWrite() {
        store.ensureUser("alice", false, NOW);
        assertThat(store.servers("alice")).isEmpty();
        server("alice", "", ServerRecord.STARTING);
        assertThat(store.server("alice", "")).get().extracting(ServerRecord::status).isEqualTo(ServerRecord.STARTING);
        server("alice", "", ServerRecord.RUNNING);
        assertThat(store.servers("alice")).extracting(ServerRecord::status).containsExactly(ServerRecord.RUNNING);
        Instant later = NOW.plusSeconds(60);
        store.touchServer("alice", "", later);
        assertThat(store.server("alice", "")).get().extracting(ServerRecord::lastActivity).isEqualTo(later);
        server("alice", "gpu", ServerRecord.RUNNING);
        store.deleteServer("alice", "");
        assertThat(store.servers("alice")).extracting(ServerRecord::name).containsExactly("gpu");
        store.deleteUser("alice");
        assertThat(store.servers("alice")).isEmpty();
        assertThat(store.server("alice", "gpu")).isEmpty();
    }

    @Test
    void listingsFollowServersStartingStoppingAndUsersLeaving() {
        store.ensureUsers(List.of("alice", "bob", "carol"), false, NOW);
        server("alice", "", ServerRecord.STARTING);
        assertThat(store.users(0, 10, "", UserState.READY)).isEmpty();
        assertThat(store.users(0, 10, "", UserState.ACTIVE)).extracting(UserRecord::name).containsExactly("alice");
        server("alice", "", ServerRecord.RUNNING);
        server("alice", "gpu", ServerRecord.RUNNING);
        server("bob", "", ServerRecord.RUNNING);
        assertThat(store.users(0, 10, "", UserState.READY)).extracting(UserRecord::name).containsExactly("alice", "bob");
        server("alice", "", ServerRecord.STOPPED);
        assertThat(store.users(0, 10, "", UserState.READY)).extracting(UserRecord::name).containsExactly("alice", "bob");
        store.deleteServer("alice", "gpu");
        assertThat(store.users(0, 10, "", UserState.READY)).extracting(UserRecord::name).containsExactly("bob");
        assertThat(store.users(0, 10, "", UserState.INACTIVE)).extracting(UserRecord::name)
                .containsExactly("alice", "carol");
        store.deleteUser("bob");
        assertThat(store.countUsers("", UserState.READY)).isZero();
        assertThat(store.countUsers("", UserState.ANY)).isEqualTo(2);
        assertThat(store.users(0, 10, "", UserState.ANY)).extracting(UserRecord::name).containsExactly("alice", "carol");
    }

    @Test
    void aStoreOpenedAgainListsWhatTheDatabaseHolds() {
        store.ensureUsers(List.of("alice", "bob", "carol"), false, NOW);
        store.ensureUser("dave", true, NOW);
        server("bob", "", ServerRecord.RUNNING);
        server("carol", "", ServerRecord.STOPPING);
        try (H2HubStore again = db.open()) {
            assertThat(again.users(0, 10, "", UserState.ANY)).extracting(UserRecord::name)
                    .containsExactly("alice", "bob", "carol", "dave");
            assertThat(again.users(0, 10, "", UserState.READY)).extracting(UserRecord::name).containsExactly("bob");
            assertThat(again.users(0, 10, "", UserState.ACTIVE)).extracting(UserRecord::name)
                    .containsExactly("bob", "carol");
            assertThat(again.countUsers("", UserState.INACTIVE)).isEqualTo(2);
        }
    }

    @Test
    void bulkCreationOfNothingCreatesNothing() {
        assertThat(store.ensureUsers(List.of(), false, NOW)).isEmpty();
    }

    @Test
    void cachedUsersFollowAdminActivityAndGroupChanges() {
        store.ensureUsers(List.of("alice", "bob"), false, NOW);
        assertThat(store.users(0, 10, "", UserState.ANY)).extracting(UserRecord::admin).containsExactly(false, false);
        store.setAdmin("alice", true);
        store.touchUser("bob", NOW.plusSeconds(5));
        store.createGroup("physics");
        store.addGroupMembers("physics", List.of("bob"));
        List<UserRecord> page = store.users(0, 10, "", UserState.ANY);
        assertThat(page.get(0).admin()).isTrue();
        assertThat(page.get(1).lastActivity()).isEqualTo(NOW.plusSeconds(5));
        assertThat(page.get(1).groups()).containsExactly("physics");
        assertThat(store.user("bob").orElseThrow().groups()).containsExactly("physics");
        store.deleteGroup("physics");
        assertThat(store.user("bob").orElseThrow().groups()).isEmpty();
        assertThat(store.users(0, 10, "", UserState.ANY).get(1).groups()).isEmpty();
        store.setUserGroups("alice", Set.of("chem"));
        assertThat(store.user("alice").orElseThrow().groups()).containsExactly("chem");
        store.deleteUser("alice");
        assertThat(store.user("alice")).isEmpty();
    }
}
