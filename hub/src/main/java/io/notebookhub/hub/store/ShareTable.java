package io.notebookhub.hub.store;

import static io.notebookhub.hub.store.Sql.instant;
import static io.notebookhub.hub.store.Sql.setInstant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/** The {@code shares} and {@code share_codes} tables; scopes are kept space-separated in sorted order. */
final class ShareTable implements ShareStore {
    private final Sql sql;
    private final AtomicLong version = new AtomicLong();

    ShareTable(Sql sql) {
        this.sql = sql;
    }

    private static List<String> scopes(String text) {
        return text.isEmpty() ? List.of() : List.copyOf(new TreeSet<>(Arrays.asList(text.split(" "))));
    }

    private static ShareRecord shareRow(ResultSet rs) throws SQLException {
        return new ShareRecord(rs.getLong("id"), rs.getString("owner_name"), rs.getString("server_name"),
                rs.getString("user_name"), rs.getString("group_name"), scopes(rs.getString("scopes")),
                instant(rs, "created"));
    }

    private static ShareCodeRecord codeRow(ResultSet rs) throws SQLException {
        return new ShareCodeRecord(rs.getLong("id"), rs.getString("owner_name"), rs.getString("server_name"),
                scopes(rs.getString("scopes")), instant(rs, "created"), instant(rs, "expires_at"),
                rs.getInt("exchange_count"), instant(rs, "last_exchanged_at"));
    }

    @Override
    public long version() {
        return version.get();
    }

    @Override
    public void changed() {
        version.incrementAndGet();
    }

    @Override
    public List<ShareRecord> sharesWith(String user, Collection<String> groups) {
        String groupClause = groups.isEmpty() ? "" : " OR group_name IN (" + Sql.placeholders(groups.size()) + ")";
        return sql.query("SELECT * FROM shares WHERE user_name = ?" + groupClause + " ORDER BY id", ps -> {
            ps.setString(1, user);
            int i = 2;
            for (String g : groups) {
                ps.setString(i++, g);
            }
        }, ShareTable::shareRow);
    }

    @Override
    public List<ShareRecord> sharesWithGroup(String group) {
        return sql.query("SELECT * FROM shares WHERE group_name = ? ORDER BY id", ps -> ps.setString(1, group),
                ShareTable::shareRow);
    }

    @Override
    public List<ShareRecord> sharesOf(String owner, String serverName) {
        if (serverName == null) {
            return sql.query("SELECT * FROM shares WHERE owner_name = ? ORDER BY id", ps -> ps.setString(1, owner),
                    ShareTable::shareRow);
        }
        return sql.query("SELECT * FROM shares WHERE owner_name = ? AND server_name = ? ORDER BY id", ps -> {
            ps.setString(1, owner);
            ps.setString(2, serverName);
        }, ShareTable::shareRow);
    }

    private static String recipientColumn(String kind) {
        return switch (kind) {
            case "user" -> "user_name";
            case "group" -> "group_name";
            default -> throw new IllegalArgumentException("a share is with a user or a group, not " + kind);
        };
    }

    @Override
    public Optional<ShareRecord> find(String owner, String serverName, String kind, String name) {
        return sql.one("SELECT * FROM shares WHERE owner_name = ? AND server_name = ? AND " + recipientColumn(kind)
                + " = ?", ps -> {
                    ps.setString(1, owner);
                    ps.setString(2, serverName);
                    ps.setString(3, name);
                }, ShareTable::shareRow);
    }

    @Override
    public synchronized ShareRecord grant(String owner, String serverName, String kind, String name,
                                          Collection<String> scopes, Instant now) {
        Optional<ShareRecord> existing = find(owner, serverName, kind, name);
        TreeSet<String> merged = new TreeSet<>(scopes);
        if (existing.isPresent()) {
            merged.addAll(existing.get().scopes());
            if (merged.size() > existing.get().scopes().size()) {
                setScopes(existing.get().id(), merged);
            }
        } else {
            sql.update("INSERT INTO shares (owner_name, server_name, " + recipientColumn(kind) + ", scopes, created) "
                    + "VALUES (?, ?, ?, ?, ?)", ps -> {
                        ps.setString(1, owner);
                        ps.setString(2, serverName);
                        ps.setString(3, name);
                        ps.setString(4, String.join(" ", merged));
                        setInstant(ps, 5, now);
                    });
        }
        changed();
        return find(owner, serverName, kind, name).orElseThrow();
    }

    private void setScopes(long id, Collection<String> scopes) {
        sql.update("UPDATE shares SET scopes = ? WHERE id = ?", ps -> {
            ps.setString(1, String.join(" ", new TreeSet<>(scopes)));
            ps.setLong(2, id);
        });
    }

    @Override
    public synchronized Optional<ShareRecord> revoke(String owner, String serverName, String kind, String name,
                                                     Collection<String> scopes) {
        Optional<ShareRecord> existing = find(owner, serverName, kind, name);
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        TreeSet<String> remaining = new TreeSet<>(existing.get().scopes());
        if (scopes == null) {
            remaining.clear();
        } else {
            remaining.removeAll(scopes);
        }
        try {
            if (remaining.isEmpty()) {
                deleteShare(existing.get().id());
                return Optional.empty();
            }
            if (remaining.size() < existing.get().scopes().size()) {
                setScopes(existing.get().id(), remaining);
            }
            return find(owner, serverName, kind, name);
        } finally {
            changed();
        }
    }

    @Override
    public boolean deleteShare(long id) {
        boolean deleted = sql.update("DELETE FROM shares WHERE id = ?", ps -> ps.setLong(1, id)) > 0;
        changed();
        return deleted;
    }

    @Override
    public int deleteShares(String owner, String serverName) {
        int deleted = sql.update("DELETE FROM shares WHERE owner_name = ? AND server_name = ?", ps -> {
            ps.setString(1, owner);
            ps.setString(2, serverName);
        });
        changed();
        return deleted;
    }

    @Override
    public ShareCodeRecord createCode(String codeHash, String owner, String serverName, Collection<String> scopes,
                                      Instant now, Instant expiresAt) {
        sql.update("INSERT INTO share_codes (hash, owner_name, server_name, scopes, created, expires_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, codeHash);
                    ps.setString(2, owner);
                    ps.setString(3, serverName);
                    ps.setString(4, String.join(" ", new TreeSet<>(scopes)));
                    setInstant(ps, 5, now);
                    setInstant(ps, 6, expiresAt);
                });
        return codeByHash(codeHash).orElseThrow();
    }

    @Override
    public List<ShareCodeRecord> codesOf(String owner, String serverName) {
        if (serverName == null) {
            return sql.query("SELECT * FROM share_codes WHERE owner_name = ? ORDER BY id",
                    ps -> ps.setString(1, owner), ShareTable::codeRow);
        }
        return sql.query("SELECT * FROM share_codes WHERE owner_name = ? AND server_name = ? ORDER BY id", ps -> {
            ps.setString(1, owner);
            ps.setString(2, serverName);
        }, ShareTable::codeRow);
    }

    @Override
    public Optional<ShareCodeRecord> codeByHash(String codeHash) {
        return sql.one("SELECT * FROM share_codes WHERE hash = ?", ps -> ps.setString(1, codeHash),
                ShareTable::codeRow);
    }

    @Override
    public boolean deleteCode(long id) {
        return sql.update("DELETE FROM share_codes WHERE id = ?", ps -> ps.setLong(1, id)) > 0;
    }

    @Override
    public int deleteCodes(String owner, String serverName) {
        return sql.update("DELETE FROM share_codes WHERE owner_name = ? AND server_name = ?", ps -> {
            ps.setString(1, owner);
            ps.setString(2, serverName);
        });
    }

    @Override
    public void recordExchange(long codeId, Instant now) {
        sql.update("UPDATE share_codes SET exchange_count = exchange_count + 1, last_exchanged_at = ? WHERE id = ?",
                ps -> {
                    setInstant(ps, 1, now);
                    ps.setLong(2, codeId);
                });
    }
}
