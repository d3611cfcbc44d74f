package io.notebookhub.hub.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The hub's persistent state. Calls block briefly (an embedded database); callers on the event loop
 * go through a worker. One interface so that a shared database can replace the embedded one.
 */
public interface HubStore extends AutoCloseable {

    // users
    Optional<UserRecord> user(String name);

    /** JupyterHub's {@code state} filter on user listings. */
    enum UserState { ANY, ACTIVE, READY, INACTIVE }

    /**
     * A page of users in the given order; {@code nameFilter} matches anywhere in the name, ignoring case. Cut from
     * an in-memory index, so no order costs a query per user or a database sort.
     */
    List<UserRecord> users(int offset, int limit, String nameFilter, UserState state, UserSort sort);

    /** Users ordered by name, as the admin page and the hub's own culling walk them. */
    default List<UserRecord> users(int offset, int limit, String nameFilter, UserState state) {
        return users(offset, limit, nameFilter, state, UserSort.NAME);
    }

    long countUsers(String nameFilter, UserState state);

    /** Creates the user if missing; returns it either way. */
    UserRecord ensureUser(String name, boolean admin, Instant now);

    /** Creates every missing user in one transaction; returns the names it created, in the given order. */
    List<String> ensureUsers(List<String> names, boolean admin, Instant now);

    void setAdmin(String name, boolean admin);

    void touchUser(String name, Instant when);

    boolean deleteUser(String name);

    // groups
    void setUserGroups(String user, Set<String> groups);

    /** The user's identity-provider tokens as stored (already encrypted by the authenticator), or empty. */
    Optional<byte[]> authState(String user);

    /** Replaces the user's stored provider tokens; null clears them. The user must exist. */
    void setAuthState(String user, byte[] sealed);

    /** Groups ordered by name, with their members. */
    List<GroupRecord> groups(int offset, int limit);

    long countGroups();

    Optional<GroupRecord> group(String name);

    /** Creates the group; false when it already exists. */
    boolean createGroup(String name);

    boolean deleteGroup(String name);

    /** Adds existing users to an existing group (members already in it are left as they are). */
    void addGroupMembers(String group, List<String> users);

    void removeGroupMembers(String group, List<String> users);

    void setGroupProperties(String group, Map<String, Object> properties);

    // servers
    List<ServerRecord> servers(String user);

    /**
     * A user's servers if the store's cache holds them, read without touching the database (so on an event loop);
     * empty when only {@link #servers(String)} can tell.
     */
    Optional<List<ServerRecord>> cachedServers(String user);

    /** The servers of many users in one query (a page of a user listing), keyed by user. */
    Map<String, List<ServerRecord>> servers(java.util.Collection<String> users);

    Optional<ServerRecord> server(String user, String serverName);

    /** Every server that is not stopped, for start-up reconciliation and the culler. */
    List<ServerRecord> activeServers();

    /**
     * Where each running server answers, without the rows' JSON columns: the periodic route check reads every running
     * server, and parsing a thousand rows' options and spawner state each minute was most of its work.
     */
    List<ServerAddress> runningServerAddresses();

    void saveServer(ServerRecord server);

    void touchServer(String user, String serverName, Instant when);

    void deleteServer(String user, String serverName);

    /** Shares of servers with other users and groups, and share codes. */
    ShareStore shares();

    // tokens
    TokenRecord createToken(String tokenHash, String user, String kind, String serverName, String clientId,
                            Set<String> scopes, String note, Instant now, Instant expiresAt);

    Optional<TokenRecord> tokenByHash(String tokenHash);

    Optional<TokenRecord> token(long id);

    List<TokenRecord> tokens(String user);

    boolean deleteToken(long id);

    /** Deletes a server's own token and every token issued through its OAuth client, e.g. when it stops. */
    void deleteServerTokens(String user, String serverName, String clientId);

    void touchToken(long id, Instant when);

    /** Marks a token as minted through a browser session, so that ending the session ends the token. */
    void bindTokenToSession(long tokenId, String sessionId);

    // browser sessions
    void createSession(SessionRecord session);

    Optional<SessionRecord> session(String id);

    /** The user's sessions, oldest first. */
    List<SessionRecord> sessions(String user);

    void setSessionAuthState(String id, String sealedAuthState);

    /** Ends the session and deletes the tokens minted through it; returns the ids of those tokens. */
    List<Long> deleteSession(String id);

    /** Ends every session of the user and the tokens minted through them; returns the ids of those tokens. */
    List<Long> deleteSessions(String user);

    int deleteExpiredSessions(Instant now);

    // OAuth clients of single-user servers
    void saveOAuthClient(OAuthClientRecord client);

    Optional<OAuthClientRecord> oauthClient(String id);

    // hub secrets generated once (cookie key)
    String secret(String name, java.util.function.Supplier<String> generator);

    Map<String, Long> counts();

    /**
     * Runs several writes that are durable together: each commits as it runs, and all are on disk when this returns
     * (or throws), at the cost of one disk sync instead of one each. Readers may see a write before it is synced, as
     * with a single write; nothing it wrote may be acted on outside the hub before this returns.
     */
    <T> T durableTogether(Supplier<T> writes);

    /**
     * Runs writes whose content the hub finds again after any crash, committed but without a disk sync of their own
     * (the next sync covers them). A killed hub loses none of them: a commit is in the file when it returns. A power
     * cut may lose them, and then the reconcile at the next start rebuilds what they said from the durable record
     * before them (a server recorded as starting, with its marker or pod name, is adopted once it answers). For a
     * server's step from starting to running, which the user's spawn request waits for, and for its reservation, whose
     * sync ({@link #syncCommitted}) runs while the server is launched: a power cut that loses the reservation stops
     * the server too, or, a pod, leaves one that no record accounts for, which the reconcile stops. PostgreSQL syncs
     * every commit itself, so there this is a plain write.
     */
    <T> T committedWithoutSync(Supplier<T> writes);

    /**
     * Forces every write committed so far to disk, with one sync. With {@link #committedWithoutSync} it lets work that
     * needs a write committed but not yet synced (a server's launch after its reservation) begin while the sync runs;
     * whatever is answered to a user still waits for it. PostgreSQL syncs every commit itself: nothing to do there.
     */
    void syncCommitted();

    /** Writes one small row and commits it: fails when the store cannot take writes (health probe). */
    void probeWrite();

    /**
     * Writes a consistent copy of the embedded store to {@code zip} while the hub keeps running (H2's online
     * {@code BACKUP}); PostgreSQL stores are backed up with pg_dump and throw {@link UnsupportedOperationException}.
     */
    void backupTo(java.nio.file.Path zip);

    @Override
    void close();
}
