package io.notebookhub.hub.store;

import static io.notebookhub.hub.store.Sql.instant;
import static io.notebookhub.hub.store.Sql.setInstant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** API, server and OAuth tokens, kept by hash; scopes are stored space-separated in sorted order. */
final class TokenTable {
    private final Sql sql;

    TokenTable(Sql sql) {
        this.sql = sql;
    }

    private static TokenRecord tokenRow(ResultSet rs) throws SQLException {
        String scopes = rs.getString("scopes");
        return new TokenRecord(rs.getLong("id"), rs.getString("user_name"), rs.getString("kind"),
                rs.getString("server_name"), rs.getString("client_id"),
                scopes.isEmpty() ? Set.of() : Set.copyOf(new TreeSet<>(Arrays.asList(scopes.split(" ")))),
                rs.getString("note"), instant(rs, "created"), instant(rs, "expires_at"), instant(rs, "last_activity"));
    }

    TokenRecord createToken(String tokenHash, String user, String kind, String serverName, String clientId,
                            Set<String> scopes, String note, Instant now, Instant expiresAt) {
        sql.update("INSERT INTO tokens (hash, user_name, kind, server_name, client_id, scopes, note, created, "
                + "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
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

    Optional<TokenRecord> tokenByHash(String tokenHash) {
        return sql.one("SELECT * FROM tokens WHERE hash = ?", ps -> ps.setString(1, tokenHash), TokenTable::tokenRow);
    }

    Optional<TokenRecord> token(long id) {
        return sql.one("SELECT * FROM tokens WHERE id = ?", ps -> ps.setLong(1, id), TokenTable::tokenRow);
    }

    List<TokenRecord> tokens(String user) {
        return sql.query("SELECT * FROM tokens WHERE user_name = ? ORDER BY id", ps -> ps.setString(1, user),
                TokenTable::tokenRow);
    }

    boolean deleteToken(long id) {
        return sql.update("DELETE FROM tokens WHERE id = ?", ps -> ps.setLong(1, id)) > 0;
    }

    void deleteServerTokens(String user, String serverName, String clientId) {
        sql.update("DELETE FROM tokens WHERE (kind = 'server' AND user_name = ? AND server_name = ?) "
                + "OR (kind = 'oauth' AND client_id = ?)", ps -> {
                    ps.setString(1, user);
                    ps.setString(2, serverName);
                    ps.setString(3, clientId);
                });
    }

    void touchToken(long id, Instant when) {
        sql.update("UPDATE tokens SET last_activity = ? WHERE id = ?", ps -> {
            setInstant(ps, 1, when);
            ps.setLong(2, id);
        });
    }
}
