package io.notebookhub.hub.users;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.UserRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Users, read through a cache invalidated on every change made through this class. */
public final class Users {
    private final HubStore store;
    private final Clock clock;
    private final Set<String> configuredAdmins;
    private final LoadingCache<String, Optional<UserRecord>> cache;

    public Users(HubStore store, Clock clock, Set<String> configuredAdmins) {
        this.store = store;
        this.clock = clock;
        this.configuredAdmins = configuredAdmins;
        this.cache = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(10))
                .build(store::user);
    }

    public Optional<UserRecord> find(String name) {
        return cache.get(name);
    }

    /** Creates the user on first sight; configured admin users become admins. */
    public UserRecord ensure(String name) {
        Optional<UserRecord> existing = find(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        UserRecord user = store.ensureUser(name, configuredAdmins.contains(name), clock.instant());
        cache.invalidate(name);
        return user;
    }

    public void setAdmin(String name, boolean admin) {
        store.setAdmin(name, admin);
        cache.invalidate(name);
    }

    public void setGroups(String name, Set<String> groups) {
        store.setUserGroups(name, groups);
        cache.invalidate(name);
    }

    /** Moves the user's last activity forward to {@code when} (never back). */
    public void touch(String name, java.time.Instant when) {
        store.touchUser(name, when);
        cache.invalidate(name);
    }

    public boolean delete(String name) {
        boolean deleted = store.deleteUser(name);
        cache.invalidate(name);
        return deleted;
    }

    public boolean isConfiguredAdmin(String name) {
        return configuredAdmins.contains(name);
    }
}
