package io.notebookhub.hub.auth;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.TokenRecord;
import io.notebookhub.hub.store.UserRecord;
import io.notebookhub.hub.users.Users;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a presented token or session into a {@link Principal}. Token look-ups are cached by hash (a hub answers
 * whoami for every notebook request); deleting a token through {@link #forget(String)} or {@link #forgetAll()}
 * takes effect at once.
 */
public final class Identities {
    /** The identity behind {@code NBHUB_ADMIN_TOKEN}: a service with the admin role. */
    public static final String ADMIN_SERVICE = "notebook-hub-admin";

    private final HubStore store;
    private final Users users;
    private final Clock clock;
    private final String adminTokenHash;
    private final LoadingCache<String, Optional<TokenRecord>> tokens;

    public Identities(HubStore store, Users users, Clock clock, String adminToken) {
        this.store = store;
        this.users = users;
        this.clock = clock;
        this.adminTokenHash = adminToken.isEmpty() ? null : TokenHashing.hash(adminToken);
        this.tokens = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(Duration.ofMinutes(5))
                .build(store::tokenByHash);
    }

    /** The owner's own scopes: {@code self}, plus the admin role for admins. */
    public static ScopeSet ownerScopes(UserRecord user) {
        Set<String> scopes = new LinkedHashSet<>(Scopes.selfScopes(user.name(), user.groups()));
        if (user.admin()) {
            scopes.addAll(Scopes.ADMIN_ROLE);
        }
        return ScopeSet.of(scopes);
    }

    public Optional<Principal> fromToken(String token) {
        String hash = TokenHashing.hash(token);
        if (adminTokenHash != null && TokenHashing.constantTimeEquals(hash, adminTokenHash)) {
            return Optional.of(new Principal("service", ADMIN_SERVICE, true, Set.of(), ScopeSet.of(Scopes.ADMIN_ROLE),
                    null, null, false));
        }
        Optional<TokenRecord> record = tokens.get(hash);
        if (record.isEmpty() || record.get().expired(clock.instant())) {
            return Optional.empty();
        }
        TokenRecord t = record.get();
        return users.find(t.user()).map(owner -> {
            ScopeSet ownerScopes = ownerScopes(owner);
            ScopeSet effective = t.scopes().contains("inherit") ? ownerScopes
                    : ScopeSet.intersect(ScopeSet.of(t.scopes()), ownerScopes, owner.name(), owner.groups());
            return new Principal("user", owner.name(), owner.admin(), owner.groups(), effective, t.id(), null, false);
        });
    }

    public Optional<Principal> fromSession(SessionCookies.Session session) {
        return users.find(session.user()).map(owner -> new Principal("user", owner.name(), owner.admin(),
                owner.groups(), ownerScopes(owner), null, session.sessionId(), true));
    }

    /** Drops a token from the cache after it was deleted. */
    public void forget(String tokenHash) {
        tokens.invalidate(tokenHash);
    }

    public void forgetAll() {
        tokens.invalidateAll();
    }

    public HubStore store() {
        return store;
    }
}
