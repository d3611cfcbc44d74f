package io.notebookhub.hub.store;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * What must never appear in a listing: the hub's own secrets, generated once and kept across restarts, and each
 * user's identity-provider tokens (sealed by the authenticator before they reach the store).
 */
final class SecretTable {
    private final Sql sql;

    SecretTable(Sql sql) {
        this.sql = sql;
    }

    /** Synchronized so that two first callers cannot both generate and the second insert fail. */
    synchronized String secret(String name, Supplier<String> generator) {
        Optional<String> existing = sql.one("SELECT secret_value FROM hub_secrets WHERE name = ?",
                ps -> ps.setString(1, name), rs -> rs.getString(1));
        if (existing.isPresent()) {
            return existing.get();
        }
        String value = generator.get();
        sql.update("INSERT INTO hub_secrets (name, secret_value) VALUES (?, ?)", ps -> {
            ps.setString(1, name);
            ps.setString(2, value);
        });
        return value;
    }

    Optional<byte[]> authState(String user) {
        return sql.query("SELECT auth_state FROM users WHERE name = ?", ps -> ps.setString(1, user),
                rs -> Optional.ofNullable(rs.getBytes(1))).stream().findFirst().flatMap(o -> o);
    }

    void setAuthState(String user, byte[] sealed) {
        sql.update("UPDATE users SET auth_state = ? WHERE name = ?", ps -> {
            ps.setBytes(1, sealed);
            ps.setString(2, user);
        });
    }
}
