package io.notebookhub.hub.auth;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.SessionRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Browser sessions as server-side records, read through a cache keyed by session id (the hash of the cookie's
 * token). Every way a session ends — logout, "log out everywhere", deleting the user — goes through here or through
 * {@link #forgetUser}, so a cached session never outlives its record.
 */
public final class Sessions {
    private final HubStore store;
    private final Clock clock;
    private final LoadingCache<String, Optional<SessionRecord>> byId;

    /** A new session: the cookie's value (shown once, never stored) and the record. */
    public record Started(String cookieValue, SessionRecord record) {}

    public Sessions(HubStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.byId = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(Duration.ofMinutes(5))
                .build(store::session);
    }

    /** The session id a cookie value names, or null when the value cannot be a session token at all. */
    public static String idOf(String cookieValue) {
        if (cookieValue == null || cookieValue.length() != 64 || !cookieValue.chars().allMatch(
                c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return null;
        }
        return TokenHashing.hash(cookieValue);
    }

    /** Blocking: records a new session of {@code user}, valid for {@code maxAge}. */
    public Started start(String user, Duration maxAge, String sealedAuthState) {
        String token = TokenHashing.newToken();
        Instant now = clock.instant();
        SessionRecord record = new SessionRecord(TokenHashing.hash(token), user, now, now.plus(maxAge),
                sealedAuthState);
        store.deleteExpiredSessions(now);
        store.createSession(record);
        byId.invalidate(record.id());
        return new Started(token, record);
    }

    /**
     * What the cache alone knows, without the store: the outer Optional is empty when it holds nothing for the id,
     * the inner one when the session does not exist or has expired.
     */
    public Optional<Optional<SessionRecord>> cached(String id) {
        Optional<SessionRecord> hit = byId.getIfPresent(id);
        return hit == null ? Optional.empty() : Optional.of(live(hit));
    }

    /** Blocking on a cache miss: the live session with this id. */
    public Optional<SessionRecord> find(String id) {
        return live(byId.get(id));
    }

    private Optional<SessionRecord> live(Optional<SessionRecord> s) {
        return s.filter(r -> !r.expired(clock.instant()));
    }

    /** Blocking: ends one session; returns the ids of the tokens minted through it, which are now deleted. */
    List<Long> end(String id) {
        List<Long> tokens = store.deleteSession(id);
        byId.invalidate(id);
        return tokens;
    }

    /** Blocking: ends every session of the user; returns the ids of the tokens minted through them. */
    List<Long> endAll(String user) {
        List<Long> tokens = store.deleteSessions(user);
        forgetUser(user);
        return tokens;
    }

    /** Drops the user's cached sessions (they were ended, or the user was deleted). */
    void forgetUser(String user) {
        byId.asMap().values().removeIf(s -> s.isPresent() && s.get().user().equals(user));
    }

    /** Blocking: replaces the provider tokens kept with a session (after a refresh). */
    public void setAuthState(String id, String sealedAuthState) {
        store.setSessionAuthState(id, sealedAuthState);
        byId.invalidate(id);
    }

    /** Blocking: the user's live sessions, oldest first. */
    public List<SessionRecord> of(String user) {
        Instant now = clock.instant();
        return store.sessions(user).stream().filter(s -> !s.expired(now)).toList();
    }
}
