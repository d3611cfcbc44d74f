package io.notebookhub.hub.users;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.UserRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Users, read through a cache invalidated on every change made through this class. */
public final class Users {
    private final HubStore store;
    private final Clock clock;
    private final Set<String> configuredAdmins;
    private final LoadingCache<String, Optional<UserRecord>> cache;
    private final List<Consumer<String>> identityListeners = new CopyOnWriteArrayList<>();

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

    /**
     * What the cache alone knows about a user, without reading the store: the outer Optional is empty when the
     * cache holds nothing for the name, the inner one when it holds "no such user".
     */
    public Optional<Optional<UserRecord>> cached(String name) {
        return Optional.ofNullable(cache.getIfPresent(name));
    }

    /**
     * Called with a user's name whenever what decides their permissions changes (admin flag, groups, deletion),
     * so caches of derived identities can drop it. Activity updates do not count.
     */
    public void onIdentityChange(Consumer<String> listener) {
        identityListeners.add(listener);
    }

    private void changed(String name) {
        cache.invalidate(name);
        identityListeners.forEach(l -> l.accept(name));
    }

    /** Creates every missing user in one go; returns those created. Configured admins become admins. */
    public List<UserRecord> ensureAll(List<String> names, boolean admin) {
        java.time.Instant now = clock.instant();
        List<String> created = store.ensureUsers(names, admin, now);
        List<UserRecord> out = new java.util.ArrayList<>(created.size());
        for (String name : created) {
            boolean isAdmin = admin || configuredAdmins.contains(name);
            if (isAdmin && !admin) {
                store.setAdmin(name, true);
            }
            // A new user has no cached identity to drop, only a cached "no such user".
            cache.invalidate(name);
            out.add(new UserRecord(name, isAdmin, now, null, Set.of()));
        }
        return out;
    }

    /** Drops a user from the cache after a change made directly in the store (group membership). */
    public void refresh(String name) {
        changed(name);
    }

    /** Creates the user on first sight; configured admin users become admins. */
    public UserRecord ensure(String name) {
        Optional<UserRecord> existing = find(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        UserRecord user = store.ensureUser(name, configuredAdmins.contains(name), clock.instant());
        changed(name);
        return user;
    }

    public void setAdmin(String name, boolean admin) {
        store.setAdmin(name, admin);
        changed(name);
    }

    public void setGroups(String name, Set<String> groups) {
        store.setUserGroups(name, groups);
        changed(name);
    }

    /** Moves the user's last activity forward to {@code when} (never back). */
    public void touch(String name, java.time.Instant when) {
        store.touchUser(name, when);
        cache.invalidate(name);
    }

    public boolean delete(String name) {
        boolean deleted = store.deleteUser(name);
        changed(name);
        return deleted;
    }

    public boolean isConfiguredAdmin(String name) {
        return configuredAdmins.contains(name);
    }
}
