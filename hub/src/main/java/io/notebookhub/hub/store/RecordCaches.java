package io.notebookhub.hub.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Users by name and each user's servers, read on every whoami and page. Every write to either passes through the
 * store's tables, which drop what they changed here, so the caches are never behind the database.
 */
final class RecordCaches {
    final Cache<String, UserRecord> usersByName = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(10)).build();
    final Cache<String, List<ServerRecord>> serversByUser = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(10)).build();
    /**
     * Counts writes. A bulk load (a page's misses) caches what it read only if no write happened meanwhile, since
     * unlike a single load it does not hold off a concurrent invalidation.
     */
    private final AtomicLong writes = new AtomicLong();

    void changedUser(String name) {
        writes.incrementAndGet();
        usersByName.invalidate(name);
    }

    void changedServers(String user) {
        writes.incrementAndGet();
        serversByUser.invalidate(user);
    }

    /** The cached values for {@code keys}, loading the misses in one go; absent keys are left out. */
    <V> Map<String, V> cachedAll(Cache<String, V> cache, Collection<String> keys,
                                 Function<List<String>, Map<String, V>> load) {
        Map<String, V> out = new HashMap<>(cache.getAllPresent(keys));
        if (out.size() < keys.size()) {
            List<String> missing = keys.stream().filter(k -> !out.containsKey(k)).distinct().toList();
            long before = writes.get();
            Map<String, V> loaded = load.apply(missing);
            if (writes.get() == before) {
                cache.putAll(loaded);
            }
            out.putAll(loaded);
        }
        return out;
    }
}
