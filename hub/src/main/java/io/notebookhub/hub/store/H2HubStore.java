package io.notebookhub.hub.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

/** The embedded store: an H2 database file in the data folder, its schema kept by Flyway migrations. */
public final class H2HubStore implements HubStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final JdbcConnectionPool pool;
    /**
     * Each user's servers, read on every whoami and page; every write to a user's servers passes through this
     * class and drops the entry, so the cache is never behind the database.
     */
    private final Cache<String, List<ServerRecord>> serversByUser = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(java.time.Duration.ofMinutes(10)).build();
    /** Users by name, under the same rule: every write below drops what it changed. */
    private final Cache<String, UserRecord> usersByName = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(java.time.Duration.ofMinutes(10)).build();
    /**
     * Counts writes. A bulk load (a page's misses) caches what it read only if no write happened meanwhile, since
     * unlike a single load it does not hold off a concurrent invalidation.
     */
    private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();

    private void changedUser(String name) {
        writes.incrementAndGet();
        usersByName.invalidate(name);
    }

    private void changedServers(String user) {
        writes.incrementAndGet();
        serversByUser.invalidate(user);
    }

    /** The cached values for {@code keys}, loading the misses in one go; absent keys are left out. */
    private <V> Map<String, V> cachedAll(Cache<String, V> cache, java.util.Collection<String> keys,
                                         java.util.function.Function<List<String>, Map<String, V>> load) {
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

    private final UserIndex index = new UserIndex();

    private H2HubStore(JdbcConnectionPool pool) {
        this.pool = pool;
        index.addUsers(query("SELECT name FROM users", ps -> { }, rs -> rs.getString(1)));
        query("SELECT user_name, name, status FROM servers WHERE status <> 'stopped'", ps -> { }, rs -> {
            index.server(rs.getString(1), rs.getString(2), rs.getString(3));
            return null;
        });
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    /** Opens (creating if needed) the database {@code hub} in {@code dataDir} and migrates its schema. */
    public static H2HubStore open(Path dataDir) {
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("hub") + ";DB_CLOSE_ON_EXIT=FALSE";
        return open(url);
    }

    public static H2HubStore open(String jdbcUrl) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, "hub", "");
        pool.setMaxConnections(32);
        Flyway.configure().dataSource(pool).load().migrate();
        return new H2HubStore(pool);
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException(sql, e);
        }
    }

    private <T> Optional<T> one(String sql, Binder binder, RowMapper<T> mapper) {
        List<T> rows = query(sql, binder, mapper);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private int update(String sql, Binder binder) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(sql, e);
        }
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static void setInstant(PreparedStatement ps, int index, Instant i) throws SQLException {
        ps.setObject(index, i == null ? null : i.atOffset(ZoneOffset.UTC));
    }

    private static String json(Map<String, String> map) {
        try {
            return JSON.writeValueAsString(map == null ? Map.of() : map);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Map<String, String> map(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt JSON in store: " + json, e);
        }
    }

    // users

    private static final String USER_COLUMNS = "u.name, u.admin, u.created, u.last_activity, "
            + "(SELECT LISTAGG(gm.group_name, ',') FROM group_members gm WHERE gm.user_name = u.name) AS grps";

    private static UserRecord userRow(ResultSet rs) throws SQLException {
        String groups = rs.getString("grps");
        Set<String> set = groups == null || groups.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(groups.split(",")));
        return new UserRecord(rs.getString("name"), rs.getBoolean("admin"), instant(rs, "created"),
                instant(rs, "last_activity"), set);
    }

    @Override
    public Optional<UserRecord> user(String name) {
        return Optional.ofNullable(usersByName.get(name, n -> one("SELECT " + USER_COLUMNS
                + " FROM users u WHERE u.name = ?", ps -> ps.setString(1, n), H2HubStore::userRow).orElse(null)));
    }

    @Override
    public List<UserRecord> users(int offset, int limit, String nameFilter, UserState state) {
        return users(index.listing(nameFilter, state).skip(offset).limit(limit).toList());
    }

    /** These users (those that exist), in the order given: from the cache, misses in two queries by key. */
    private List<UserRecord> users(List<String> wanted) {
        if (wanted.isEmpty()) {
            return List.of();
        }
        Map<String, UserRecord> found = cachedAll(usersByName, wanted, this::loadUsers);
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
        query("SELECT u.name, u.admin, u.created, u.last_activity FROM users u WHERE u.name IN ("
                        + placeholders(wanted.size()) + ")",
                ps -> bindAll(ps, wanted),
                rs -> found.put(rs.getString(1), new UserRecord(rs.getString(1), rs.getBoolean(2),
                        instant(rs, "created"), instant(rs, "last_activity"), Set.of())));
        Map<String, Set<String>> groups = new HashMap<>();
        query("SELECT user_name, group_name FROM group_members WHERE user_name IN (" + placeholders(wanted.size())
                        + ")", ps -> bindAll(ps, wanted),
                rs -> groups.computeIfAbsent(rs.getString(1), k -> new java.util.HashSet<>()).add(rs.getString(2)));
        groups.forEach((name, g) -> found.computeIfPresent(name, (n, u) -> new UserRecord(u.name(), u.admin(),
                u.created(), u.lastActivity(), Set.copyOf(g))));
        return found;
    }

    private static void bindAll(PreparedStatement ps, java.util.Collection<String> values) throws SQLException {
        int i = 1;
        for (String v : values) {
            ps.setString(i++, v);
        }
    }

    @Override
    public long countUsers(String nameFilter, UserState state) {
        return index.count(nameFilter, state);
    }

    @Override
    public UserRecord ensureUser(String name, boolean admin, Instant now) {
        update("MERGE INTO users u USING (VALUES (CAST(? AS VARCHAR(255)))) v(n) ON u.name = v.n "
                + "WHEN NOT MATCHED THEN INSERT (name, admin, created) VALUES (v.n, ?, ?)", ps -> {
                    ps.setString(1, name);
                    ps.setBoolean(2, admin);
                    setInstant(ps, 3, now);
                });
        index.addUsers(List.of(name));
        changedUser(name);
        return user(name).orElseThrow();
    }

    @Override
    public List<String> ensureUsers(List<String> names, boolean admin, Instant now) {
        if (names.isEmpty()) {
            return List.of();
        }
        String sql = "INSERT INTO users (name, admin, created) VALUES (?, ?, ?)";
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                Set<String> existing = new java.util.HashSet<>();
                List<String> distinct = List.copyOf(new java.util.LinkedHashSet<>(names));
                try (PreparedStatement ps = c.prepareStatement("SELECT name FROM users WHERE name IN ("
                        + placeholders(distinct.size()) + ")")) {
                    bindAll(ps, distinct);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            existing.add(rs.getString(1));
                        }
                    }
                }
                List<String> created = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (String name : new java.util.LinkedHashSet<>(names)) {
                        if (existing.contains(name)) {
                            continue;
                        }
                        ps.setString(1, name);
                        ps.setBoolean(2, admin);
                        setInstant(ps, 3, now);
                        ps.addBatch();
                        created.add(name);
                    }
                    ps.executeBatch();
                }
                c.commit();
                index.addUsers(created);
                return created;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(sql, e);
        }
    }

    @Override
    public void setAdmin(String name, boolean admin) {
        update("UPDATE users SET admin = ? WHERE name = ?", ps -> {
            ps.setBoolean(1, admin);
            ps.setString(2, name);
        });
        changedUser(name);
    }

    @Override
    public void touchUser(String name, Instant when) {
        update("UPDATE users SET last_activity = ? WHERE name = ? AND (last_activity IS NULL OR last_activity < ?)", ps -> {
            setInstant(ps, 1, when);
            ps.setString(2, name);
            setInstant(ps, 3, when);
        });
        changedUser(name);
    }

    @Override
    public boolean deleteUser(String name) {
        boolean deleted = update("DELETE FROM users WHERE name = ?", ps -> ps.setString(1, name)) > 0;
        changedServers(name);
        changedUser(name);
        index.removeUser(name);
        return deleted;
    }

    @Override
    public void setUserGroups(String user, Set<String> groups) {
        update("DELETE FROM group_members WHERE user_name = ?", ps -> ps.setString(1, user));
        for (String g : groups) {
            update("MERGE INTO groups_ (name) KEY (name) VALUES (?)", ps -> ps.setString(1, g));
            update("INSERT INTO group_members (group_name, user_name) VALUES (?, ?)", ps -> {
                ps.setString(1, g);
                ps.setString(2, user);
            });
        }
        changedUser(user);
    }

    private static final TypeReference<Map<String, Object>> OBJECT_MAP = new TypeReference<>() {};

    private static final String GROUP_COLUMNS = "g.name, g.properties, (SELECT LISTAGG(gm.user_name, ',') "
            + "WITHIN GROUP (ORDER BY gm.user_name) FROM group_members gm WHERE gm.group_name = g.name) AS members";

    private static GroupRecord groupRow(ResultSet rs) throws SQLException {
        String members = rs.getString("members");
        Map<String, Object> properties;
        try {
            properties = JSON.readValue(rs.getString("properties"), OBJECT_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt group properties in store", e);
        }
        return new GroupRecord(rs.getString("name"),
                members == null || members.isEmpty() ? List.of() : List.of(members.split(",")), properties);
    }

    @Override
    public List<GroupRecord> groups(int offset, int limit) {
        return query("SELECT " + GROUP_COLUMNS + " FROM groups_ g ORDER BY g.name LIMIT ? OFFSET ?", ps -> {
            ps.setInt(1, limit);
            ps.setInt(2, offset);
        }, H2HubStore::groupRow);
    }

    @Override
    public long countGroups() {
        return one("SELECT COUNT(*) FROM groups_", ps -> { }, rs -> rs.getLong(1)).orElse(0L);
    }

    @Override
    public Optional<GroupRecord> group(String name) {
        return one("SELECT " + GROUP_COLUMNS + " FROM groups_ g WHERE g.name = ?", ps -> ps.setString(1, name),
                H2HubStore::groupRow);
    }

    @Override
    public boolean createGroup(String name) {
        return update("MERGE INTO groups_ g USING (VALUES (CAST(? AS VARCHAR(255)))) v(n) ON g.name = v.n "
                + "WHEN NOT MATCHED THEN INSERT (name) VALUES (v.n)", ps -> ps.setString(1, name)) > 0;
    }

    @Override
    public boolean deleteGroup(String name) {
        List<String> members = query("SELECT user_name FROM group_members WHERE group_name = ?",
                ps -> ps.setString(1, name), rs -> rs.getString(1));
        boolean deleted = update("DELETE FROM groups_ WHERE name = ?", ps -> ps.setString(1, name)) > 0;
        members.forEach(this::changedUser);
        return deleted;
    }

    @Override
    public void addGroupMembers(String group, List<String> users) {
        for (String user : users) {
            update("MERGE INTO group_members (group_name, user_name) KEY (group_name, user_name) VALUES (?, ?)", ps -> {
                ps.setString(1, group);
                ps.setString(2, user);
            });
        }
        users.forEach(this::changedUser);
    }

    @Override
    public void removeGroupMembers(String group, List<String> users) {
        for (String user : users) {
            update("DELETE FROM group_members WHERE group_name = ? AND user_name = ?", ps -> {
                ps.setString(1, group);
                ps.setString(2, user);
            });
        }
        users.forEach(this::changedUser);
    }

    @Override
    public void setGroupProperties(String group, Map<String, Object> properties) {
        String text;
        try {
            text = JSON.writeValueAsString(properties);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        update("UPDATE groups_ SET properties = ? WHERE name = ?", ps -> {
            ps.setString(1, text);
            ps.setString(2, group);
        });
    }

    @Override
    public Optional<byte[]> authState(String user) {
        return query("SELECT auth_state FROM users WHERE name = ?", ps -> ps.setString(1, user),
                rs -> Optional.ofNullable(rs.getBytes(1))).stream().findFirst().flatMap(o -> o);
    }

    @Override
    public void setAuthState(String user, byte[] sealed) {
        update("UPDATE users SET auth_state = ? WHERE name = ?", ps -> {
            ps.setBytes(1, sealed);
            ps.setString(2, user);
        });
    }

    // servers

    private static ServerRecord serverRow(ResultSet rs) throws SQLException {
        return new ServerRecord(rs.getString("user_name"), rs.getString("name"), rs.getString("status"),
                rs.getString("profile"), map(rs.getString("user_options")), rs.getString("url"),
                map(rs.getString("spawner_state")), instant(rs, "started"), instant(rs, "last_activity"),
                rs.getString("stop_reason"));
    }

    @Override
    public List<ServerRecord> servers(String user) {
        return serversByUser.get(user, u -> List.copyOf(query("SELECT * FROM servers WHERE user_name = ? ORDER BY name",
                ps -> ps.setString(1, u), H2HubStore::serverRow)));
    }

    @Override
    public Map<String, List<ServerRecord>> servers(java.util.Collection<String> users) {
        if (users.isEmpty()) {
            return new LinkedHashMap<>();
        }
        return cachedAll(serversByUser, users, wanted -> {
            Map<String, List<ServerRecord>> loaded = new HashMap<>();
            wanted.forEach(u -> loaded.put(u, new ArrayList<>()));
            query("SELECT * FROM servers WHERE user_name IN (" + placeholders(wanted.size()) + ") ORDER BY user_name, "
                    + "name", ps -> bindAll(ps, wanted), H2HubStore::serverRow)
                    .forEach(srv -> loaded.get(srv.user()).add(srv));
            loaded.replaceAll((u, list) -> List.copyOf(list));
            return loaded;
        });
    }

    @Override
    public Optional<ServerRecord> server(String user, String serverName) {
        return servers(user).stream().filter(srv -> srv.name().equals(serverName)).findFirst();
    }

    @Override
    public List<ServerRecord> activeServers() {
        return query("SELECT * FROM servers WHERE status <> 'stopped' ORDER BY user_name, name", ps -> { },
                H2HubStore::serverRow);
    }

    @Override
    public void saveServer(ServerRecord s) {
        update("MERGE INTO servers (user_name, name, status, profile, user_options, url, spawner_state, started, "
                + "last_activity, stop_reason) KEY (user_name, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, s.user());
                    ps.setString(2, s.name());
                    ps.setString(3, s.status());
                    ps.setString(4, s.profile());
                    ps.setString(5, json(s.userOptions()));
                    ps.setString(6, s.url());
                    ps.setString(7, json(s.spawnerState()));
                    setInstant(ps, 8, s.started());
                    setInstant(ps, 9, s.lastActivity());
                    ps.setString(10, s.stopReason());
                });
        changedServers(s.user());
        index.server(s.user(), s.name(), s.status());
    }

    @Override
    public void touchServer(String user, String serverName, Instant when) {
        update("UPDATE servers SET last_activity = ? WHERE user_name = ? AND name = ? "
                + "AND (last_activity IS NULL OR last_activity < ?)", ps -> {
                    setInstant(ps, 1, when);
                    ps.setString(2, user);
                    ps.setString(3, serverName);
                    setInstant(ps, 4, when);
                });
        changedServers(user);
    }

    @Override
    public void deleteServer(String user, String serverName) {
        update("DELETE FROM servers WHERE user_name = ? AND name = ?", ps -> {
            ps.setString(1, user);
            ps.setString(2, serverName);
        });
        changedServers(user);
        index.server(user, serverName, null);
    }

    // tokens

    private static TokenRecord tokenRow(ResultSet rs) throws SQLException {
        String scopes = rs.getString("scopes");
        return new TokenRecord(rs.getLong("id"), rs.getString("user_name"), rs.getString("kind"),
                rs.getString("server_name"), rs.getString("client_id"),
                scopes.isEmpty() ? Set.of() : Set.copyOf(new TreeSet<>(Arrays.asList(scopes.split(" ")))),
                rs.getString("note"), instant(rs, "created"), instant(rs, "expires_at"), instant(rs, "last_activity"));
    }

    @Override
    public TokenRecord createToken(String tokenHash, String user, String kind, String serverName, String clientId,
                                   Set<String> scopes, String note, Instant now, Instant expiresAt) {
        update("INSERT INTO tokens (hash, user_name, kind, server_name, client_id, scopes, note, created, expires_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, tokenHash);
                    ps.setString(2, user);
                    ps.setString(3, kind);
                    ps.setString(4, serverName);
                    ps.setString(5, clientId);
                    ps.setString(6, String.join(" ", new TreeSet<>(scopes)));
                    ps.setString(7, note);
                    setInstant(ps, 8, now);
                    setInstant(ps, 9, expiresAt);
                });
        return tokenByHash(tokenHash).orElseThrow();
    }

    @Override
    public Optional<TokenRecord> tokenByHash(String tokenHash) {
        return one("SELECT * FROM tokens WHERE hash = ?", ps -> ps.setString(1, tokenHash), H2HubStore::tokenRow);
    }

    @Override
    public Optional<TokenRecord> token(long id) {
        return one("SELECT * FROM tokens WHERE id = ?", ps -> ps.setLong(1, id), H2HubStore::tokenRow);
    }

    @Override
    public List<TokenRecord> tokens(String user) {
        return query("SELECT * FROM tokens WHERE user_name = ? ORDER BY id", ps -> ps.setString(1, user),
                H2HubStore::tokenRow);
    }

    @Override
    public boolean deleteToken(long id) {
        return update("DELETE FROM tokens WHERE id = ?", ps -> ps.setLong(1, id)) > 0;
    }

    @Override
    public void deleteServerTokens(String user, String serverName, String clientId) {
        update("DELETE FROM tokens WHERE (kind = 'server' AND user_name = ? AND server_name = ?) "
                + "OR (kind = 'oauth' AND client_id = ?)", ps -> {
                    ps.setString(1, user);
                    ps.setString(2, serverName);
                    ps.setString(3, clientId);
                });
    }

    @Override
    public void touchToken(long id, Instant when) {
        update("UPDATE tokens SET last_activity = ? WHERE id = ?", ps -> {
            setInstant(ps, 1, when);
            ps.setLong(2, id);
        });
    }

    // OAuth clients

    @Override
    public void saveOAuthClient(OAuthClientRecord c) {
        update("MERGE INTO oauth_clients (id, user_name, server_name, redirect_uri, secret_hash) KEY (id) "
                + "VALUES (?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, c.id());
                    ps.setString(2, c.user());
                    ps.setString(3, c.serverName());
                    ps.setString(4, c.redirectUri());
                    ps.setString(5, c.secretHash());
                });
    }

    @Override
    public Optional<OAuthClientRecord> oauthClient(String id) {
        return one("SELECT * FROM oauth_clients WHERE id = ?", ps -> ps.setString(1, id),
                rs -> new OAuthClientRecord(rs.getString("id"), rs.getString("user_name"), rs.getString("server_name"),
                        rs.getString("redirect_uri"), rs.getString("secret_hash")));
    }

    @Override
    public synchronized String secret(String name, Supplier<String> generator) {
        Optional<String> existing = one("SELECT secret_value FROM hub_secrets WHERE name = ?", ps -> ps.setString(1, name),
                rs -> rs.getString(1));
        if (existing.isPresent()) {
            return existing.get();
        }
        String value = generator.get();
        update("INSERT INTO hub_secrets (name, secret_value) VALUES (?, ?)", ps -> {
            ps.setString(1, name);
            ps.setString(2, value);
        });
        return value;
    }

    @Override
    public Map<String, Long> counts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String table : List.of("users", "servers", "tokens")) {
            out.put(table, one("SELECT COUNT(*) FROM " + table, ps -> { }, rs -> rs.getLong(1)).orElse(0L));
        }
        return out;
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
