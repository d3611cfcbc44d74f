package io.notebookhub.hub.store;

import java.util.List;
import java.util.Optional;

/** The OAuth clients of single-user servers, one per server, replaced when the server starts again. */
final class OAuthClientTable {
    private final Sql sql;

    OAuthClientTable(Sql sql) {
        this.sql = sql;
    }

    void saveOAuthClient(OAuthClientRecord c) {
        sql.update(sql.dialect().upsert("oauth_clients",
                List.of("id", "user_name", "server_name", "redirect_uri", "secret_hash"), List.of("id")), ps -> {
                    ps.setString(1, c.id());
                    ps.setString(2, c.user());
                    ps.setString(3, c.serverName());
                    ps.setString(4, c.redirectUri());
                    ps.setString(5, c.secretHash());
                });
    }

    Optional<OAuthClientRecord> oauthClient(String id) {
        return sql.one("SELECT * FROM oauth_clients WHERE id = ?", ps -> ps.setString(1, id),
                rs -> new OAuthClientRecord(rs.getString("id"), rs.getString("user_name"), rs.getString("server_name"),
                        rs.getString("redirect_uri"), rs.getString("secret_hash")));
    }
}
