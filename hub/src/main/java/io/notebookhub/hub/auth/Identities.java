package io.notebookhub.hub.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.SessionRecord;
import io.notebookhub.hub.store.ShareStore;
import io.notebookhub.hub.store.TokenRecord;
import io.notebookhub.hub.store.UserRecord;
import io.notebookhub.hub.users.Users;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a presented token or session into a {@link Principal}. Token and session look-ups are cached (a hub answers
 * whoami for every notebook request); every way a credential goes — a token revoked, a session ended, the user
 * deleted or changed — drops what the caches derived from it, so it takes effect at once.
 */
public final class Identities {
    /** The identity behind {@code NBHUB_ADMIN_TOKEN}: a service with the admin role. */
    public static final String ADMIN_SERVICE = "notebook-hub-admin";

    private final HubStore store;
    private final Users users;
    private final Clock clock;
    private final String adminTokenHash;
    private final LoadingCache<String, Optional<TokenRecord>> tokens;
    /** Token hash to the identity it resolved to: whoami and every proxied notebook request ask this. */
    private final Cache<String, Resolved> principals;
    /**
     * User name to the expanded scopes they hold (their own and what is shared with them), shared by their sessions
     * and tokens; each entry and each resolved token remembers the share version it was derived at, and is stale once
     * any share changed, so a revoked share stops granting on the very next request.
     */
    private final Cache<String, Held> ownerScopes;
    private final Sessions sessions;
    private final RoleGrants roles;
    private final ServiceTokens services;
    /** Held apart from the store so that reading its version on the event loop is visibly no store call. */
    private final ShareStore shares;

    private record Resolved(TokenRecord token, Principal principal, long shareVersion) {}

    private record Held(ScopeSet scopes, long shareVersion) {}

    /**
     * What the caches alone say about a credential. {@code answered} false means only the store can tell, so the
     * caller has to ask {@link #fromToken} or {@link #fromSession} off the event loop.
     */
    public record CachedAnswer(boolean answered, Optional<Principal> principal) {
        static final CachedAnswer UNKNOWN = new CachedAnswer(false, Optional.empty());

        static CachedAnswer of(Optional<Principal> principal) {
            return new CachedAnswer(true, principal);
        }
    }

    public Identities(HubStore store, Users users, Clock clock, String adminToken) {
        this(store, users, clock, adminToken, RoleGrants.NONE, ServiceTokens.NONE);
    }

    /** With the roles of {@code hub.load_roles} and the tokens of the hub's services. */
    public Identities(HubStore store, Users users, Clock clock, String adminToken, RoleGrants roles,
                      ServiceTokens services) {
        this.roles = roles;
        this.services = services;
        this.store = store;
        this.users = users;
        this.clock = clock;
        this.adminTokenHash = adminToken.isEmpty() ? null : TokenHashing.hash(adminToken);
        this.tokens = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(Duration.ofMinutes(5))
                .build(store::tokenByHash);
        this.principals = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(Duration.ofMinutes(5)).build();
        this.ownerScopes = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(10)).build();
        this.sessions = new Sessions(store, clock);
        this.shares = store.shares();
        users.onIdentityChange(this::forgetUser);
    }

    /**
     * The token's principal if the caches can answer without touching the store (the admin token, a token seen
     * lately, or one lately found not to exist); never blocks.
     */
    public CachedAnswer cachedToken(String token) {
        String hash = TokenHashing.hash(token);
        if (isAdminToken(hash)) {
            return CachedAnswer.of(Optional.of(ADMIN_PRINCIPAL));
        }
        Optional<Principal> service = services.principal(hash);
        if (service.isPresent()) {
            return CachedAnswer.of(service);
        }
        Resolved resolved = principals.getIfPresent(hash);
        if (resolved != null && resolved.shareVersion() == shareVersion()) {
            return CachedAnswer.of(unlessExpired(resolved));
        }
        Optional<TokenRecord> record = tokens.getIfPresent(hash);
        if (record != null && record.isEmpty()) {
            return CachedAnswer.of(Optional.empty());
        }
        return CachedAnswer.UNKNOWN;
    }

    /** The session's principal if the caches can answer without touching the store; never blocks. */
    public CachedAnswer cachedSession(String sessionId) {
        Optional<Optional<SessionRecord>> session = sessions.cached(sessionId);
        if (session.isEmpty()) {
            return CachedAnswer.UNKNOWN;
        }
        if (session.get().isEmpty()) {
            return CachedAnswer.of(Optional.empty());
        }
        SessionRecord s = session.get().get();
        Optional<Optional<UserRecord>> owner = users.cached(s.user());
        if (owner.isEmpty()) {
            return CachedAnswer.UNKNOWN;
        }
        if (owner.get().isEmpty()) {
            return CachedAnswer.of(Optional.empty());
        }
        UserRecord o = owner.get().get();
        Held held = ownerScopes.getIfPresent(o.name());
        if (held == null || held.shareVersion() != shareVersion()) {
            return CachedAnswer.UNKNOWN;
        }
        return CachedAnswer.of(Optional.of(sessionPrincipal(o, s, held.scopes())));
    }

    private boolean isAdminToken(String hash) {
        return adminTokenHash != null && TokenHashing.constantTimeEquals(hash, adminTokenHash);
    }

    private Optional<Principal> unlessExpired(Resolved resolved) {
        return resolved.token().expired(clock.instant()) ? Optional.empty() : Optional.of(resolved.principal());
    }

    /** The token's principal; reads the store on a cache miss, so callers on the event loop use a worker. */
    public Optional<Principal> fromToken(String token) {
        String hash = TokenHashing.hash(token);
        if (isAdminToken(hash)) {
            return Optional.of(ADMIN_PRINCIPAL);
        }
        Optional<Principal> service = services.principal(hash);
        if (service.isPresent()) {
            return service;
        }
        Resolved resolved = principals.getIfPresent(hash);
        if (resolved == null || resolved.shareVersion() != shareVersion()) {
            long version = shareVersion();
            Optional<TokenRecord> record = tokens.get(hash);
            if (record.isEmpty()) {
                return Optional.empty();
            }
            TokenRecord t = record.get();
            Optional<Principal> principal = users.find(t.user()).map(owner -> {
                ScopeSet held = scopesOf(owner);
                ScopeSet effective = t.scopes().contains("inherit") ? held
                        : ScopeSet.intersect(ScopeSet.of(t.scopes()), held, owner.name(), owner.groups());
                return new Principal("user", owner.name(), owner.admin(), owner.groups(), effective, t.id(), null,
                        false);
            });
            if (principal.isEmpty()) {
                return Optional.empty();
            }
            resolved = new Resolved(t, principal.get(), version);
            principals.put(hash, resolved);
        }
        return unlessExpired(resolved);
    }

    private static final ScopeSet ADMIN_SCOPES = ScopeSet.of(Scopes.ADMIN_ROLE);
    private static final Principal ADMIN_PRINCIPAL = new Principal("service", ADMIN_SERVICE, true, Set.of(),
            ADMIN_SCOPES, null, null, false);

    /**
     * What the user holds through their roles ({@code hub.load_roles} included) and the shares made to them or
     * their groups: a token never holds more.
     */
    public ScopeSet heldBy(UserRecord owner) {
        return scopesOf(owner);
    }

    private long shareVersion() {
        return shares.version();
    }

    /** Blocking on a miss: the user's roles' scopes plus every scope shared with them or one of their groups. */
    private ScopeSet scopesOf(UserRecord owner) {
        long version = shareVersion();
        Held held = ownerScopes.getIfPresent(owner.name());
        if (held != null && held.shareVersion() == version) {
            return held.scopes();
        }
        Set<String> scopes = new LinkedHashSet<>(roles.userScopes(owner));
        shares.sharesWith(owner.name(), owner.groups()).forEach(share -> scopes.addAll(share.scopes()));
        ScopeSet computed = ScopeSet.of(scopes);
        ownerScopes.put(owner.name(), new Held(computed, version));
        return computed;
    }

    /** The session's principal; reads the store on a cache miss, so callers on the event loop use a worker. */
    public Optional<Principal> fromSession(String sessionId) {
        return sessions.find(sessionId).flatMap(s -> users.find(s.user()).map(owner -> sessionPrincipal(owner, s)));
    }

    private Principal sessionPrincipal(UserRecord owner, SessionRecord session) {
        return sessionPrincipal(owner, session, scopesOf(owner));
    }

    private static Principal sessionPrincipal(UserRecord owner, SessionRecord session, ScopeSet scopes) {
        return new Principal("user", owner.name(), owner.admin(), owner.groups(), scopes, null, session.id(), true);
    }

    public Sessions sessions() {
        return sessions;
    }

    /** Blocking: ends one session and the tokens minted through it (a logout). */
    public void endSession(String sessionId) {
        forgetTokenIds(sessions.end(sessionId));
    }

    /** Blocking: ends every session of the user and the tokens minted through them ("log out everywhere"). */
    public void endSessions(String user) {
        forgetTokenIds(sessions.endAll(user));
    }

    private void forgetTokenIds(List<Long> ids) {
        if (!ids.isEmpty()) {
            Set<Long> gone = new HashSet<>(ids);
            forgetTokens(t -> gone.contains(t.id()));
        }
    }

    /**
     * Drops everything derived from one user: their permissions changed, or they were deleted, in which case the
     * store has already deleted their tokens and sessions and no cached copy may outlive them (a user of the same
     * name created later must not inherit them).
     */
    public void forgetUser(String name) {
        ownerScopes.invalidate(name);
        principals.asMap().values().removeIf(r -> r.principal().name().equals(name) || r.token().user().equals(name));
        tokens.asMap().values().removeIf(t -> t.isPresent() && t.get().user().equals(name));
        sessions.forgetUser(name);
    }

    /** Drops a token from the cache after it was deleted. */
    public void forget(String tokenHash) {
        tokens.invalidate(tokenHash);
        principals.invalidate(tokenHash);
    }

    /** Drops the cached tokens that match, e.g. the ones just deleted; cheaper for everyone than forgetting all. */
    public void forgetTokens(java.util.function.Predicate<TokenRecord> deleted) {
        tokens.asMap().values().removeIf(t -> t.isPresent() && deleted.test(t.get()));
        principals.asMap().values().removeIf(r -> deleted.test(r.token()));
    }

    public void forgetAll() {
        tokens.invalidateAll();
        principals.invalidateAll();
    }

    public HubStore store() {
        return store;
    }
}
