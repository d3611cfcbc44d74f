package io.notebookhub.hub.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tokens, OAuth clients, secrets and provider tokens: the store's records that H2HubStoreTest leaves out. */
class H2HubStoreCredentialsTest {
    /** The embedded store here; the PostgreSQL subclass runs every test again on PostgreSQL. */
    StoreDatabase database() {
        return StoreDatabase.h2();
    }

    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
    final StoreDatabase db = database();
    private H2HubStore store;

    @BeforeEach
    void open() {
        store = db.open();
        store.ensureUsers(List.of("alice", "bob"), false, NOW);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private TokenRecord token(String hash, String user, String kind, String server, String client) {
        return store.createToken(hash, user, kind, server, client, Set.of("read:users", "access:servers"), "note", NOW,
                NOW.plusSeconds(3600));
    }

    @Test
    void aTokenIsFoundByHashAndIdWithWhatItWasCreatedWith() {
        TokenRecord created = token("h1", "alice", "api", null, null);
        assertThat(store.tokenByHash("h1")).contains(created);
        assertThat(store.token(created.id())).contains(created);
        assertThat(created.user()).isEqualTo("alice");
        assertThat(created.scopes()).containsExactlyInAnyOrder("read:users", "access:servers");
        assertThat(created.note()).isEqualTo("note");
        assertThat(created.created()).isEqualTo(NOW);
        assertThat(created.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
        assertThat(store.tokenByHash("nope")).isEmpty();
    }

    @Test
    void tokensAreListedPerUserInOrderOfCreationAndDeletedById() {
        TokenRecord first = token("h1", "alice", "api", null, null);
        TokenRecord second = token("h2", "alice", "api", null, null);
        token("h3", "bob", "api", null, null);
        assertThat(store.tokens("alice")).extracting(TokenRecord::id).containsExactly(first.id(), second.id());
        assertThat(store.deleteToken(first.id())).isTrue();
        assertThat(store.deleteToken(first.id())).isFalse();
        assertThat(store.tokens("alice")).extracting(TokenRecord::id).containsExactly(second.id());
    }

    @Test
    void touchingATokenRecordsItsLastActivity() {
        TokenRecord t = token("h1", "alice", "api", null, null);
        store.touchToken(t.id(), NOW.plusSeconds(30));
        assertThat(store.token(t.id())).get().extracting(TokenRecord::lastActivity).isEqualTo(NOW.plusSeconds(30));
    }

    @Test
    void stoppingAServerDeletesItsOwnTokenAndThoseIssuedThroughItsClientOnly() {
        token("own", "alice", "server", "", null);
        token("oauth", "bob", "oauth", null, "jupyterhub-user-alice");
        token("other-server", "alice", "server", "gpu", null);
        token("api", "alice", "api", null, null);
        store.deleteServerTokens("alice", "", "jupyterhub-user-alice");
        assertThat(store.tokenByHash("own")).isEmpty();
        assertThat(store.tokenByHash("oauth")).isEmpty();
        assertThat(store.tokenByHash("other-server")).isPresent();
        assertThat(store.tokenByHash("api")).isPresent();
    }

    @Test
    void anOAuthClientIsSavedAndReplacedById() {
        // The column holds a SHA-256 in hex: exactly 64 characters.
        String first = "a".repeat(64);
        String second = "b".repeat(64);
        store.saveOAuthClient(new OAuthClientRecord("c1", "alice", "", "/user/alice/oauth_callback", first));
        store.saveOAuthClient(new OAuthClientRecord("c1", "alice", "", "/user/alice/oauth_callback", second));
        assertThat(store.oauthClient("c1")).contains(new OAuthClientRecord("c1", "alice", "",
                "/user/alice/oauth_callback", second));
        assertThat(store.oauthClient("c2")).isEmpty();
    }

    @Test
    void aSecretIsGeneratedOnceAndKeptAcrossReopening() {
        AtomicInteger generated = new AtomicInteger();
        String first = store.secret("cookie_secret", () -> "value-" + generated.incrementAndGet());
        assertThat(store.secret("cookie_secret", () -> "value-" + generated.incrementAndGet())).isEqualTo(first);
        try (H2HubStore again = db.open()) {
            assertThat(again.secret("cookie_secret", () -> "other")).isEqualTo(first);
        }
        assertThat(generated).hasValue(1);
    }

    @Test
    void providerTokensAreStoredPerUserAndCleared() {
        assertThat(store.authState("alice")).isEmpty();
        store.setAuthState("alice", new byte[] {1, 2, 3});
        assertThat(store.authState("alice")).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2, 3));
        assertThat(store.authState("bob")).isEmpty();
        store.setAuthState("alice", null);
        assertThat(store.authState("alice")).isEmpty();
        assertThat(store.authState("nobody")).isEmpty();
    }

    @Test
    void countsCoverUsersServersAndTokens() {
        store.saveServer(new ServerRecord("alice", "", ServerRecord.RUNNING, "small", Map.of(), null, Map.of(), NOW,
                NOW, null));
        token("h1", "alice", "api", null, null);
        assertThat(store.counts()).containsExactly(Map.entry("users", 2L), Map.entry("servers", 1L),
                Map.entry("tokens", 1L));
    }
}
