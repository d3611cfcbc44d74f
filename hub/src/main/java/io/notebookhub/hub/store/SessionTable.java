package io.notebookhub.hub.store;

import static io.notebookhub.hub.store.Sql.instant;
import static io.notebookhub.hub.store.Sql.setInstant;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Browser sessions, keyed by the hash of their cookie token. Ending a session deletes, in the same transaction, the
 * tokens minted through it, and answers their ids so the caller can drop them from its caches.
 */
final class SessionTable {
    private final Sql sql;

    SessionTable(Sql sql) {
        this.sql = sql;
    }

    private static SessionRecord row(ResultSet rs) throws SQLException {
        return new SessionRecord(rs.getString("id"), rs.getString("user_name"), instant(rs, "created"),
                instant(rs, "expires_at"), rs.getString("auth_state"));
    }

    void createSession(SessionRecord s) {
        sql.update("INSERT INTO hub_sessions (id, user_name, created, expires_at, auth_state) VALUES (?, ?, ?, ?, ?)",
                ps -> {
                    ps.setString(1, s.id());
                    ps.setString(2, s.user());
                    setInstant(ps, 3, s.created());
                    setInstant(ps, 4, s.expiresAt());
                    ps.setString(5, s.authState());
                });
    }

    Optional<SessionRecord> session(String id) {
        return sql.one("SELECT * FROM hub_sessions WHERE id = ?", ps -> ps.setString(1, id), SessionTable::row);
    }

    List<SessionRecord> sessions(String user) {
        return sql.query("SELECT * FROM hub_sessions WHERE user_name = ? ORDER BY created", ps -> ps.setString(1, user),
                SessionTable::row);
    }

    void setSessionAuthState(String id, String authState) {
        sql.update("UPDATE hub_sessions SET auth_state = ? WHERE id = ?", ps -> {
            ps.setString(1, authState);
            ps.setString(2, id);
        });
    }

    void bindTokenToSession(long tokenId, String sessionId) {
        sql.update("UPDATE tokens SET session_id = ? WHERE id = ?", ps -> {
            ps.setString(1, sessionId);
            ps.setLong(2, tokenId);
        });
    }

    /** Ends one session and the tokens minted through it; answers those tokens' ids. */
    List<Long> deleteSession(String id) {
        return delete("id = ?", "session_id = ?", ps -> ps.setString(1, id));
    }

    /** Ends every session of a user and the tokens minted through them; answers those tokens' ids. */
    List<Long> deleteSessions(String user) {
        return delete("user_name = ?", "session_id IN (SELECT id FROM hub_sessions WHERE user_name = ?)",
                ps -> ps.setString(1, user));
    }

    /** Removes sessions past their expiry (their tokens expire with them: they are never longer-lived). */
    int deleteExpiredSessions(Instant now) {
        return sql.update("DELETE FROM hub_sessions WHERE expires_at < ?", ps -> setInstant(ps, 1, now));
    }

    private List<Long> delete(String sessionWhere, String tokenWhere, Sql.Binder binder) {
        return sql.inTransaction("DELETE FROM hub_sessions WHERE " + sessionWhere, c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM tokens WHERE " + tokenWhere)) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM tokens WHERE " + tokenWhere)) {
                binder.bind(ps);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM hub_sessions WHERE " + sessionWhere)) {
                binder.bind(ps);
                ps.executeUpdate();
            }
            return ids;
        });
    }
}
