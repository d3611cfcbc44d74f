package io.notebookhub.hub.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's store over JDBC: the embedded H2 file in the data folder by default, PostgreSQL for production; the
 * schema is kept by Flyway for both, and the tables are the same classes whatever the database (the few statements
 * that differ come from {@link StoreDialect}). This class owns the connection pool and hands each call to the table
 * that owns the resource; the tables share the user and server caches and the user index, so a write through any of
 * them keeps every listing current. Every write is committed, and for the embedded file written and synced to disk,
 * before the call returns: an acknowledged write survives a crash of the hub's process or of its machine.
 */
public final class H2HubStore implements HubStore {
    private static final Logger log = LoggerFactory.getLogger(H2HubStore.class);
    /** The tables read in full at start-up, so that a damaged embedded file is found before the hub serves. */
    private static final List<String> TABLES = List.of("users", "groups_", "group_members", "servers", "tokens",
            "oauth_clients", "hub_secrets", "shares", "share_codes");

    private final AutoCloseable closer;
    private final Sql sql;
    private final UserTable users;
    private final GroupTable groups;
    private final ServerTable servers;
    private final TokenTable tokens;
    private final OAuthClientTable oauthClients;
    private final SecretTable secrets;
    private final Path embeddedFile;
    private final SessionTable sessions;
    private final ShareTable shares;

    private H2HubStore(DataSource pool, StoreDialect dialect, AutoCloseable closer, Path embeddedFile) {
        this.closer = closer;
        this.embeddedFile = embeddedFile;
        this.sql = new Sql(pool, dialect, embeddedFile != null);
        RecordCaches caches = new RecordCaches();
        UserIndex index = new UserIndex();
        this.users = new UserTable(sql, caches, index);
        this.groups = new GroupTable(sql, caches);
        this.servers = new ServerTable(sql, caches, index);
        this.tokens = new TokenTable(sql);
        this.oauthClients = new OAuthClientTable(sql);
        this.secrets = new SecretTable(sql);
        this.sessions = new SessionTable(sql);
        this.shares = new ShareTable(sql);
        users.loadIndex();
        servers.loadIndex();
    }

    /**
     * Opens (creating if needed) the embedded store {@code hub.mv.db} in {@code dataDir} and migrates its schema.
     *
     * @throws StoreRefusedException when the file is damaged, in use by another hub, or newer than this code
     */
    public static H2HubStore open(Path dataDir) {
        EmbeddedStoreFile file = new EmbeddedStoreFile(dataDir);
        boolean existed = file.exists();
        file.check();
        JdbcConnectionPool pool = JdbcConnectionPool.create(file.jdbcUrl(), "hub", "");
        pool.setMaxConnections(32);
        try {
            try (Connection c = pool.getConnection()) {
                c.isValid(1);
            } catch (SQLException e) {
                throw e.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1 ? file.inUse()
                        : file.damaged("H2 cannot open it (" + EmbeddedStoreFile.firstLine(e.getMessage()) + ")", e);
            }
            StoreMigrations.migrate(pool, StoreDialect.H2, file.path().toString(), existed);
            readEveryRow(pool, file);
            return new H2HubStore(pool, StoreDialect.H2, pool::dispose, file.path());
        } catch (RuntimeException e) {
            pool.dispose();
            throw e;
        }
    }

    /** Refuses (one line) when another process holds the embedded store in {@code dataDir}. */
    public static void probeNotInUse(Path dataDir) {
        new EmbeddedStoreFile(dataDir).refuseIfInUse();
    }

    /** Opens an H2 database by JDBC URL (in-memory stores in tests). */
    public static H2HubStore open(String jdbcUrl) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, "hub", "");
        pool.setMaxConnections(32);
        StoreMigrations.migrate(pool, StoreDialect.H2, jdbcUrl, false);
        return new H2HubStore(pool, StoreDialect.H2, pool::dispose, null);
    }

    /**
     * Opens the PostgreSQL store ({@code postgresql://user@host:port/db} or a {@code jdbc:postgresql:} URL) and
     * migrates its schema. One hub at a time: a session advisory lock, held while the hub runs, refuses a second.
     */
    public static H2HubStore openPostgres(String url, String password) {
        return openPostgres(url, password, true);
    }

    static H2HubStore openPostgres(String url, String password, boolean oneHubOnly) {
        PostgresStore pg = PostgresStore.connect(url, password, oneHubOnly);
        try {
            StoreMigrations.migrate(pg.dataSource(), StoreDialect.POSTGRESQL, pg.describe(), false);
            return new H2HubStore(pg.dataSource(), StoreDialect.POSTGRESQL, pg, null);
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    private static void readEveryRow(DataSource pool, EmbeddedStoreFile file) {
        long rows = 0;
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            rs.getObject(i);
                        }
                        rows++;
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            throw file.damaged("reading it failed (" + EmbeddedStoreFile.firstLine(e.getMessage()) + ")", e);
        }
        log.info("store {}: {} rows read, schema current", file.path(), rows);
    }

    // users

    @Override
    public Optional<UserRecord> user(String name) {
        return users.user(name);
    }

    @Override
    public List<UserRecord> users(int offset, int limit, String nameFilter, UserState state, UserSort sort) {
        return users.users(offset, limit, nameFilter, state, sort);
    }

    @Override
    public long countUsers(String nameFilter, UserState state) {
        return users.countUsers(nameFilter, state);
    }

    @Override
    public UserRecord ensureUser(String name, boolean admin, Instant now) {
        return users.ensureUser(name, admin, now);
    }

    @Override
    public List<String> ensureUsers(List<String> names, boolean admin, Instant now) {
        return users.ensureUsers(names, admin, now);
    }

    @Override
    public void setAdmin(String name, boolean admin) {
        users.setAdmin(name, admin);
    }

    @Override
    public void touchUser(String name, Instant when) {
        users.touchUser(name, when);
    }

    @Override
    public boolean deleteUser(String name) {
        try {
            return users.deleteUser(name);
        } finally {
            shares.changed();
        }
    }

    @Override
    public void setUserGroups(String user, Set<String> groupNames) {
        users.setUserGroups(user, groupNames);
    }

    // groups

    @Override
    public List<GroupRecord> groups(int offset, int limit) {
        return groups.groups(offset, limit);
    }

    @Override
    public long countGroups() {
        return groups.countGroups();
    }

    @Override
    public Optional<GroupRecord> group(String name) {
        return groups.group(name);
    }

    @Override
    public boolean createGroup(String name) {
        return groups.createGroup(name);
    }

    @Override
    public boolean deleteGroup(String name) {
        try {
            return groups.deleteGroup(name);
        } finally {
            shares.changed();
        }
    }

    @Override
    public void addGroupMembers(String group, List<String> members) {
        groups.addGroupMembers(group, members);
    }

    @Override
    public void removeGroupMembers(String group, List<String> members) {
        groups.removeGroupMembers(group, members);
    }

    @Override
    public void setGroupProperties(String group, Map<String, Object> properties) {
        groups.setGroupProperties(group, properties);
    }

    // servers

    @Override
    public List<ServerRecord> servers(String user) {
        return servers.servers(user);
    }

    @Override
    public Optional<List<ServerRecord>> cachedServers(String user) {
        return servers.cachedServers(user);
    }

    @Override
    public Map<String, List<ServerRecord>> servers(Collection<String> userNames) {
        return servers.servers(userNames);
    }

    @Override
    public Optional<ServerRecord> server(String user, String serverName) {
        return servers.server(user, serverName);
    }

    @Override
    public List<ServerRecord> activeServers() {
        return servers.activeServers();
    }

    @Override
    public List<ServerAddress> runningServerAddresses() {
        return servers.runningServerAddresses();
    }

    @Override
    public void saveServer(ServerRecord server) {
        servers.saveServer(server);
    }

    @Override
    public void touchServer(String user, String serverName, Instant when) {
        servers.touchServer(user, serverName, when);
    }

    @Override
    public void deleteServer(String user, String serverName) {
        try {
            servers.deleteServer(user, serverName);
        } finally {
            shares.changed();
        }
    }

    // shares (their rows go with the server, its owner and the recipient, deleted above)

    @Override
    public ShareStore shares() {
        return shares;
    }

    // tokens

    @Override
    public TokenRecord createToken(String tokenHash, String user, String kind, String serverName, String clientId,
                                   Set<String> scopes, String note, Instant now, Instant expiresAt) {
        return tokens.createToken(tokenHash, user, kind, serverName, clientId, scopes, note, now, expiresAt);
    }

    @Override
    public Optional<TokenRecord> tokenByHash(String tokenHash) {
        return tokens.tokenByHash(tokenHash);
    }

    @Override
    public Optional<TokenRecord> token(long id) {
        return tokens.token(id);
    }

    @Override
    public List<TokenRecord> tokens(String user) {
        return tokens.tokens(user);
    }

    @Override
    public boolean deleteToken(long id) {
        return tokens.deleteToken(id);
    }

    @Override
    public void deleteServerTokens(String user, String serverName, String clientId) {
        tokens.deleteServerTokens(user, serverName, clientId);
    }

    @Override
    public void touchToken(long id, Instant when) {
        tokens.touchToken(id, when);
    }

    @Override
    public void bindTokenToSession(long tokenId, String sessionId) {
        sessions.bindTokenToSession(tokenId, sessionId);
    }

    // browser sessions

    @Override
    public void createSession(SessionRecord session) {
        sessions.createSession(session);
    }

    @Override
    public Optional<SessionRecord> session(String id) {
        return sessions.session(id);
    }

    @Override
    public List<SessionRecord> sessions(String user) {
        return sessions.sessions(user);
    }

    @Override
    public void setSessionAuthState(String id, String sealedAuthState) {
        sessions.setSessionAuthState(id, sealedAuthState);
    }

    @Override
    public List<Long> deleteSession(String id) {
        return sessions.deleteSession(id);
    }

    @Override
    public List<Long> deleteSessions(String user) {
        return sessions.deleteSessions(user);
    }

    @Override
    public int deleteExpiredSessions(Instant now) {
        return sessions.deleteExpiredSessions(now);
    }

    // OAuth clients

    @Override
    public void saveOAuthClient(OAuthClientRecord client) {
        oauthClients.saveOAuthClient(client);
    }

    @Override
    public Optional<OAuthClientRecord> oauthClient(String id) {
        return oauthClients.oauthClient(id);
    }

    // secrets and provider tokens

    @Override
    public String secret(String name, Supplier<String> generator) {
        return secrets.secret(name, generator);
    }

    @Override
    public Optional<byte[]> authState(String user) {
        return secrets.authState(user);
    }

    @Override
    public void setAuthState(String user, byte[] sealed) {
        secrets.setAuthState(user, sealed);
    }

    @Override
    public Map<String, Long> counts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String table : List.of("users", "servers", "tokens")) {
            out.put(table, sql.one("SELECT COUNT(*) FROM " + table, ps -> { }, rs -> rs.getLong(1)).orElse(0L));
        }
        return out;
    }

    @Override
    public <T> T durableTogether(Supplier<T> writes) {
        return sql.syncedOnce(writes);
    }

    @Override
    public <T> T committedWithoutSync(Supplier<T> writes) {
        return sql.unsynced(writes);
    }

    @Override
    public void syncCommitted() {
        sql.syncCommitted();
    }

    @Override
    public void probeWrite() {
        sql.update(sql.dialect().upsert("hub_secrets", List.of("name", "secret_value"), List.of("name")), ps -> {
            ps.setString(1, "store_write_probe");
            ps.setString(2, Instant.now().toString());
        });
    }

    @Override
    public void backupTo(Path zip) {
        if (embeddedFile == null) {
            throw new UnsupportedOperationException("only the embedded store backs itself up; back up PostgreSQL "
                    + "with pg_dump");
        }
        // BACKUP takes a literal, not a parameter; the path is the hub's own choice, quotes doubled all the same.
        sql.update("BACKUP TO '" + zip.toAbsolutePath().toString().replace("'", "''") + "'", ps -> { });
    }

    @Override
    public void close() {
        try {
            closer.close();
        } catch (Exception e) {
            log.warn("closing the store: {}", e.toString());
        }
    }
}
