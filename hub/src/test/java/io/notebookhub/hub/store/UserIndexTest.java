package io.notebookhub.hub.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.store.HubStore.UserState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The in-memory orders a user listing is cut from: creation, name and last activity, either way round. */
class UserIndexTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private final UserIndex index = new UserIndex();

    private List<String> list(String sort) {
        return list("", UserState.ANY, sort);
    }

    private List<String> list(String filter, UserState state, String sort) {
        return index.listing(filter, state, UserSort.parse(sort).orElseThrow()).toList();
    }

    /** carol (1), alice (2), bob (3), dave (4): creation order differs from name order. */
    private void fourUsers() {
        index.addUser("carol", 1, null);
        index.addUser("alice", 2, T0.plusSeconds(20));
        index.addUser("bob", 3, T0.plusSeconds(10));
        index.addUser("dave", 4, null);
    }

    @Test
    void idListsInCreationOrderAndMinusIdReversesIt() {
        fourUsers();
        assertThat(list("id")).containsExactly("carol", "alice", "bob", "dave");
        assertThat(list("-id")).containsExactly("dave", "bob", "alice", "carol");
    }

    @Test
    void nameListsAlphabeticallyAndMinusNameReversesIt() {
        fourUsers();
        assertThat(list("name")).containsExactly("alice", "bob", "carol", "dave");
        assertThat(list("-name")).containsExactly("dave", "carol", "bob", "alice");
    }

    @Test
    void usersWhoNeverHadActivityComeFirstAscendingAndLastDescending() {
        fourUsers();
        assertThat(list("last_activity")).containsExactly("carol", "dave", "bob", "alice");
        assertThat(list("-last_activity")).containsExactly("alice", "bob", "dave", "carol");
    }

    @Test
    void equalActivityFallsBackToCreationOrderAndDescendingIsTheExactReverse() {
        index.addUser("zoe", 1, T0);
        index.addUser("amy", 2, T0);
        index.addUser("kim", 3, T0);
        index.addUser("bea", 4, T0.minusSeconds(1));
        assertThat(list("last_activity")).containsExactly("bea", "zoe", "amy", "kim");
        assertThat(list("-last_activity")).containsExactly("kim", "amy", "zoe", "bea");
    }

    @Test
    void activityMovesAUserOnlyForwardAndOnceInTheListing() {
        fourUsers();
        index.touch("carol", T0.plusSeconds(30));
        assertThat(list("-last_activity")).containsExactly("carol", "alice", "bob", "dave");
        index.touch("carol", T0);
        index.touch("alice", T0.plusSeconds(5));
        assertThat(list("-last_activity")).containsExactly("carol", "alice", "bob", "dave");
        index.touch("nobody", T0);
        assertThat(list("last_activity")).containsExactly("dave", "bob", "alice", "carol");
    }

    @Test
    void timesDifferingBelowAMicrosecondAreTheSameTimeAsTheDatabaseKeepsThem() {
        index.addUser("amy", 1, T0);
        index.addUser("bea", 2, T0.plusNanos(1));
        index.touch("amy", T0.plusNanos(999));
        assertThat(list("-last_activity")).containsExactly("bea", "amy");
    }

    @Test
    void aDeletedUserLeavesEveryOrderAndComesBackAtTheEndWhenCreatedAgain() {
        fourUsers();
        index.removeUser("alice");
        assertThat(list("id")).containsExactly("carol", "bob", "dave");
        assertThat(list("-last_activity")).containsExactly("bob", "dave", "carol");
        assertThat(list("name")).containsExactly("bob", "carol", "dave");
        assertThat(index.count("", UserState.ANY)).isEqualTo(3);
        index.addUser("alice", 5, null);
        assertThat(list("id")).containsExactly("carol", "bob", "dave", "alice");
        assertThat(list("last_activity")).containsExactly("carol", "dave", "alice", "bob");
    }

    @Test
    void theStateFilterKeepsTheRequestedOrder() {
        fourUsers();
        index.server("dave", "", ServerRecord.RUNNING);
        index.server("alice", "", ServerRecord.STARTING);
        index.server("carol", "gpu", ServerRecord.RUNNING);
        assertThat(list("", UserState.ACTIVE, "id")).containsExactly("carol", "alice", "dave");
        assertThat(list("", UserState.ACTIVE, "-id")).containsExactly("dave", "alice", "carol");
        assertThat(list("", UserState.READY, "last_activity")).containsExactly("carol", "dave");
        assertThat(list("", UserState.READY, "-last_activity")).containsExactly("dave", "carol");
        assertThat(list("", UserState.READY, "-name")).containsExactly("dave", "carol");
        assertThat(list("", UserState.INACTIVE, "-last_activity")).containsExactly("bob");
        index.server("alice", "", null);
        assertThat(list("", UserState.INACTIVE, "-last_activity")).containsExactly("alice", "bob");
        assertThat(list("a", UserState.ANY, "-id")).containsExactly("dave", "alice", "carol");
    }

    @Test
    void aReaderNeverSeesAUserTwiceOrMissesOneWhileActivityChanges() throws Exception {
        int users = 200;
        for (int i = 0; i < users; i++) {
            index.addUser("u" + i, i + 1, null);
        }
        AtomicBoolean done = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            long t = 0;
            while (!done.get()) {
                index.touch("u" + ThreadLocalRandom.current().nextInt(users), T0.plusSeconds(++t));
            }
        });
        writer.start();
        try {
            List<Integer> sizes = new ArrayList<>();
            for (int round = 0; round < 200; round++) {
                List<String> listed = list("-last_activity");
                assertThat(listed).doesNotHaveDuplicates();
                sizes.add(listed.size());
            }
            assertThat(sizes).containsOnly(users);
        } finally {
            done.set(true);
            writer.join();
        }
        assertThat(list("-last_activity")).hasSize(users).doesNotHaveDuplicates();
    }
}
