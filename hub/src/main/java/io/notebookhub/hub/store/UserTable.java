package io.notebookhub.hub.store;

import static io.notebookhub.hub.store.Sql.bindAll;
import static io.notebookhub.hub.store.Sql.instant;
import static io.notebookhub.hub.store.Sql.placeholders;
import static io.notebookhub.hub.store.Sql.setInstant;

import io.notebookhub.hub.store.HubStore.UserState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The users table and each user's group memberships. */
final class UserTable {
    private static final String USER_COLUMNS = "u.name, u.admin, u.created, u.last_activity, "
            + "(SELECT STRING_AGG(gm.group_name, ',') FROM group_members gm WHERE gm.user_name = u.name) AS grps";

    private final Sql sql;
    private final RecordCaches caches;
    private final UserIndex index;

    UserTable(Sql sql, RecordCaches caches, UserIndex index) {
        this.sql = sql;
        this.caches = caches;
        this.index = index;
    }

    /** Puts every stored user's sort keys in the index (at start-up). */
    void loadIndex() {
        sql.query("SELECT name, id, last_activity FROM users", ps -> { }, rs -> {
            index.addUser(rs.getString(1), rs.getLong(2), instant(rs, "last_activity"));
            return null;
        });
    }

    /** Indexes users just written, reading back the ids the database gave them. */
    private void indexUsers(List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        sql.query("SELECT name, id, last_activity FROM users WHERE name IN (" + placeholders(names.size()) + ")",
                ps -> bindAll(ps, names), rs -> {
                    index.addUser(rs.getString(1), rs.getLong(2), instant(rs, "last_activity"));
                    return null;
                });
    }

    private static UserRecord userRow(ResultSet rs) throws SQLException {
        String groups = rs.getString("grps");
        Set<String> set = groups == null || groups.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(groups.split(",")));
        return new UserRecord(rs.getString("name"), rs.getBoolean("admin"), instant(rs, "created"),
                instant(rs, "last_activity"), set);
    }

    Optional<UserRecord> user(String name) {
        return Optional.ofNullable(caches.usersByName.get(name, n -> sql.one("SELECT " + USER_COLUMNS
                + " FROM users u WHERE u.name = ?", ps -> ps.setString(1, n), UserTable::userRow).orElse(null)));
    }

    List<UserRecord> users(int offset, int limit, String nameFilter, UserState state, UserSort sort) {
        return users(index.listing(nameFilter, state, sort).skip(offset).limit(limit).toList());
    }

    /** These users (those that exist), in the order given: from the cache, misses in two queries by key. */
    private List<UserRecord> users(List<String> wanted) {
        if (wanted.isEmpty()) {
            return List.of();
        }
        Map<String, UserRecord> found = caches.cachedAll(caches.usersByName, wanted, this::loadUsers);
        List<UserRecord> out = new ArrayList<>(wanted.size());
        for (String name : wanted) {
            UserRecord u = found.get(name);
            if (u != null) {
                out.add(u);
            }
        }
        return out;
    }

    private Map<String, UserRecord> loadUsers(List<String> wanted) {
        Map<String, UserRecord> found = new HashMap<>();
        sql.query("SELECT u.name, u.admin, u.created, u.last_activity FROM users u WHERE u.name IN ("
                        + placeholders(wanted.size()) + ")",
                ps -> bindAll(ps, wanted),
                rs -> found.put(rs.getString(1), new UserRecord(rs.getString(1), rs.getBoolean(2),
                        instant(rs, "created"), instant(rs, "last_activity"), Set.of())));
        Map<String, Set<String>> groups = new HashMap<>();
        sql.query("SELECT user_name, group_name FROM group_members WHERE user_name IN ("
                        + placeholders(wanted.size()) + ")", ps -> bindAll(ps, wanted),
                rs -> groups.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2)));
        groups.forEach((name, g) -> found.computeIfPresent(name, (n, u) -> new UserRecord(u.name(), u.admin(),
                u.created(), u.lastActivity(), Set.copyOf(g))));
        return found;
    }

    long countUsers(String nameFilter, UserState state) {
        return index.count(nameFilter, state);
    }

    UserRecord ensureUser(String name, boolean admin, Instant now) {
        sql.update(sql.dialect().insertIfAbsent("users", List.of("name", "admin", "created")), ps -> {
                    ps.setString(1, name);
                    ps.setBoolean(2, admin);
                    setInstant(ps, 3, now);
                });
        indexUsers(List.of(name));
        caches.changedUser(name);
        return user(name).orElseThrow();
    }

    List<String> ensureUsers(List<String> names, boolean admin, Instant now) {
        if (names.isEmpty()) {
            return List.of();
        }
        String insert = "INSERT INTO users (name, admin, created) VALUES (?, ?, ?)";
        List<String> created = sql.inTransaction(insert, c -> {
            Set<String> existing = new HashSet<>();
            List<String> distinct = List.copyOf(new LinkedHashSet<>(names));
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM users WHERE name IN ("
                    + placeholders(distinct.size()) + ")")) {
                bindAll(ps, distinct);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        existing.add(rs.getString(1));
                    }
                }
            }
            List<String> added = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                for (String name : distinct) {
                    if (existing.contains(name)) {
                        continue;
                    }
                    ps.setString(1, name);
                    ps.setBoolean(2, admin);
                    setInstant(ps, 3, now);
                    ps.addBatch();
                    added.add(name);
                }
                ps.executeBatch();
            }
            return added;
        });
        indexUsers(created);
        return created;
    }

    void setAdmin(String name, boolean admin) {
        sql.update("UPDATE users SET admin = ? WHERE name = ?", ps -> {
            ps.setBoolean(1, admin);
            ps.setString(2, name);
        });
        caches.changedUser(name);
    }

    void touchUser(String name, Instant when) {
        sql.update("UPDATE users SET last_activity = ? WHERE name = ? AND (last_activity IS NULL OR last_activity < ?)",
                ps -> {
                    setInstant(ps, 1, when);
                    ps.setString(2, name);
                    setInstant(ps, 3, when);
                });
        index.touch(name, when);
        caches.changedUser(name);
    }

    boolean deleteUser(String name) {
        boolean deleted = sql.update("DELETE FROM users WHERE name = ?", ps -> ps.setString(1, name)) > 0;
        caches.changedServers(name);
        caches.changedUser(name);
        index.removeUser(name);
        return deleted;
    }

    void setUserGroups(String user, Set<String> groups) {
        sql.update("DELETE FROM group_members WHERE user_name = ?", ps -> ps.setString(1, user));
        for (String g : groups) {
            sql.update(sql.dialect().insertIfAbsent("groups_", List.of("name")), ps -> ps.setString(1, g));
            sql.update("INSERT INTO group_members (group_name, user_name) VALUES (?, ?)", ps -> {
                ps.setString(1, g);
                ps.setString(2, user);
            });
        }
        caches.changedUser(user);
    }
}
