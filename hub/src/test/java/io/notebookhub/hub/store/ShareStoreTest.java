package io.notebookhub.hub.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Shares and share codes in the embedded store: merging grants, partial revocation, and what deletes them. */
class ShareStoreTest {
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
    private static final String ACCESS = "access:servers!server=alice/";
    private static final String READ = "read:servers!server=alice/";
    private H2HubStore store;

    StoreDatabase database() {
        return StoreDatabase.h2();
    }

    @BeforeEach
    void open() {
        store = database().open();
        store.ensureUsers(List.of("alice", "bob"), false, NOW);
        store.saveServer(new ServerRecord("alice", "", "running", null, Map.of(), "http://127.0.0.1:1", Map.of(), NOW,
                NOW, null));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aSecondGrantAddsToTheShareAndEveryChangeMovesTheVersion() {
        long before = store.shares().version();
        store.shares().grant("alice", "", "user", "bob", List.of(ACCESS), NOW);
        ShareRecord share = store.shares().grant("alice", "", "user", "bob", List.of(READ), NOW);
        assertThat(share.scopes()).containsExactly(ACCESS, READ);
        assertThat(share.kind()).isEqualTo("user");
        assertThat(store.shares().sharesOf("alice", "")).hasSize(1);
        assertThat(store.shares().version()).isGreaterThan(before);
    }

    @Test
    void revokingSomeScopesKeepsTheRestAndRevokingAllDeletesTheShare() {
        store.shares().grant("alice", "", "user", "bob", List.of(ACCESS, READ), NOW);
        assertThat(store.shares().revoke("alice", "", "user", "bob", List.of(READ)).orElseThrow().scopes())
                .containsExactly(ACCESS);
        assertThat(store.shares().revoke("alice", "", "user", "bob", null)).isEmpty();
        assertThat(store.shares().find("alice", "", "user", "bob")).isEmpty();
        assertThat(store.shares().revoke("alice", "", "user", "bob", null)).as("idempotent").isEmpty();
    }

    @Test
    void deletingTheRecipientOrTheOwnerDeletesTheSharesAndCodes() {
        store.shares().grant("alice", "", "user", "bob", List.of(ACCESS), NOW);
        store.shares().createCode("c".repeat(64), "alice", "", List.of(ACCESS), NOW, NOW.plusSeconds(60));
        long before = store.shares().version();
        store.deleteUser("bob");
        assertThat(store.shares().sharesOf("alice", null)).isEmpty();
        assertThat(store.shares().version()).isGreaterThan(before);
        store.deleteUser("alice");
        assertThat(store.shares().codeByHash("c".repeat(64))).isEmpty();
    }

    @Test
    void aCodeCountsItsExchangesAndExpires() {
        ShareCodeRecord code = store.shares().createCode("d".repeat(64), "alice", "", List.of(ACCESS), NOW,
                NOW.plusSeconds(60));
        store.shares().recordExchange(code.id(), NOW.plusSeconds(1));
        ShareCodeRecord read = store.shares().codeByHash("d".repeat(64)).orElseThrow();
        assertThat(read.exchangeCount()).isEqualTo(1);
        assertThat(read.lastExchangedAt()).isEqualTo(NOW.plusSeconds(1));
        assertThat(read.expired(NOW.plusSeconds(59))).isFalse();
        assertThat(read.expired(NOW.plusSeconds(60))).isTrue();
    }
}
