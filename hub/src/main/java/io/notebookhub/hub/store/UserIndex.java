package io.notebookhub.hub.store;

import io.notebookhub.hub.store.HubStore.UserState;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;

/**
 * Every user's name, in order, and whose servers are up. A page of users and the culler's state=ready listing
 * are cut from here instead of making the database skip rows for OFFSET. The store keeps it in step with every
 * write; reads need no lock.
 */
final class UserIndex {
    private final ConcurrentSkipListSet<String> names = new ConcurrentSkipListSet<>();
    /** user → server name → status, for servers that are not stopped; guarded by itself. */
    private final Map<String, Map<String, String>> activeServers = new HashMap<>();
    private final ConcurrentSkipListSet<String> activeUsers = new ConcurrentSkipListSet<>();
    private final ConcurrentSkipListSet<String> readyUsers = new ConcurrentSkipListSet<>();

    void addUsers(Collection<String> added) {
        names.addAll(added);
    }

    void removeUser(String name) {
        names.remove(name);
        synchronized (activeServers) {
            Map<String, String> mine = activeServers.get(name);
            if (mine != null) {
                List.copyOf(mine.keySet()).forEach(server -> server(name, server, null));
            }
        }
    }

    /** Records a server's status; {@code null} or {@code stopped} when it is gone. */
    void server(String user, String server, String status) {
        synchronized (activeServers) {
            Map<String, String> mine = activeServers.computeIfAbsent(user, u -> new HashMap<>());
            if (status == null || ServerRecord.STOPPED.equals(status)) {
                mine.remove(server);
            } else {
                mine.put(server, status);
            }
            if (mine.isEmpty()) {
                activeServers.remove(user);
                activeUsers.remove(user);
                readyUsers.remove(user);
                return;
            }
            activeUsers.add(user);
            if (mine.containsValue(ServerRecord.RUNNING)) {
                readyUsers.add(user);
            } else {
                readyUsers.remove(user);
            }
        }
    }

    /** The names in a listing, in order, filtered by a case-blind substring. */
    Stream<String> listing(String nameFilter, UserState state) {
        Stream<String> source = switch (state) {
            case ANY -> names.stream();
            case ACTIVE -> activeUsers.stream();
            case READY -> readyUsers.stream();
            case INACTIVE -> names.stream().filter(n -> !activeUsers.contains(n));
        };
        if (nameFilter == null || nameFilter.isEmpty()) {
            return source;
        }
        String f = nameFilter.toLowerCase(Locale.ROOT);
        return source.filter(n -> n.toLowerCase(Locale.ROOT).contains(f));
    }

    long count(String nameFilter, UserState state) {
        if (nameFilter == null || nameFilter.isEmpty()) {
            return switch (state) {
                case ANY -> names.size();
                case ACTIVE -> activeUsers.size();
                case READY -> readyUsers.size();
                case INACTIVE -> listing("", UserState.INACTIVE).count();
            };
        }
        return listing(nameFilter, state).count();
    }
}
