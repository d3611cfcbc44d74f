package io.notebookhub.hub.store;

import static io.notebookhub.hub.store.Sql.bindAll;
import static io.notebookhub.hub.store.Sql.instant;
import static io.notebookhub.hub.store.Sql.placeholders;
import static io.notebookhub.hub.store.Sql.setInstant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Users' servers; every write drops the user's cached servers and keeps the index's active/ready sets in step. */
final class ServerTable {
    private final Sql sql;
    private final RecordCaches caches;
    private final UserIndex index;

    ServerTable(Sql sql, RecordCaches caches, UserIndex index) {
        this.sql = sql;
        this.caches = caches;
        this.index = index;
    }

    /** Puts every server that is not stopped in the index (at start-up). */
    void loadIndex() {
        sql.query("SELECT user_name, name, status FROM servers WHERE status <> 'stopped'", ps -> { }, rs -> {
            index.server(rs.getString(1), rs.getString(2), rs.getString(3));
            return null;
        });
    }

    private static String json(Map<String, ?> map) {
        return StoreJson.write(map);
    }

    private static Map<String, String> map(String json) {
        return StoreJson.readText(json, "user options");
    }

    /** Spawner state as JSON values; rows written by earlier versions hold strings, which read back as such. */
    private static Map<String, Object> state(String json) {
        return StoreJson.read(json, "spawner state");
    }

    private static ServerRecord serverRow(ResultSet rs) throws SQLException {
        return new ServerRecord(rs.getString("user_name"), rs.getString("name"), rs.getString("status"),
                rs.getString("profile"), map(rs.getString("user_options")), rs.getString("url"),
                state(rs.getString("spawner_state")), instant(rs, "started"), instant(rs, "last_activity"),
                rs.getString("stop_reason"));
    }

    List<ServerRecord> servers(String user) {
        return caches.serversByUser.get(user, u -> List.copyOf(sql.query(
                "SELECT * FROM servers WHERE user_name = ? ORDER BY name", ps -> ps.setString(1, u),
                ServerTable::serverRow)));
    }

    Optional<List<ServerRecord>> cachedServers(String user) {
        return Optional.ofNullable(caches.serversByUser.getIfPresent(user));
    }

    Map<String, List<ServerRecord>> servers(Collection<String> users) {
        if (users.isEmpty()) {
            return new LinkedHashMap<>();
        }
        return caches.cachedAll(caches.serversByUser, users, wanted -> {
            Map<String, List<ServerRecord>> loaded = new HashMap<>();
            wanted.forEach(u -> loaded.put(u, new ArrayList<>()));
            sql.query("SELECT * FROM servers WHERE user_name IN (" + placeholders(wanted.size())
                    + ") ORDER BY user_name, name", ps -> bindAll(ps, wanted), ServerTable::serverRow)
                    .forEach(srv -> loaded.get(srv.user()).add(srv));
            loaded.replaceAll((u, list) -> List.copyOf(list));
            return loaded;
        });
    }

    Optional<ServerRecord> server(String user, String serverName) {
        return servers(user).stream().filter(srv -> srv.name().equals(serverName)).findFirst();
    }

    List<ServerRecord> activeServers() {
        return sql.query("SELECT * FROM servers WHERE status <> 'stopped' ORDER BY user_name, name", ps -> { },
                ServerTable::serverRow);
    }

    List<ServerAddress> runningServerAddresses() {
        return sql.query("SELECT user_name, name, url FROM servers WHERE status = 'running'", ps -> { },
                rs -> new ServerAddress(rs.getString(1), rs.getString(2), rs.getString(3)));
    }

    private static final List<String> SERVER_COLUMNS = List.of("user_name", "name", "status", "profile",
            "user_options", "url", "spawner_state", "started", "last_activity", "stop_reason");

    void saveServer(ServerRecord s) {
        sql.update(sql.dialect().upsert("servers", SERVER_COLUMNS, List.of("user_name", "name")), ps -> {
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
        caches.changedServers(s.user());
        index.server(s.user(), s.name(), s.status());
    }

    void touchServer(String user, String serverName, Instant when) {
        sql.update("UPDATE servers SET last_activity = ? WHERE user_name = ? AND name = ? "
                + "AND (last_activity IS NULL OR last_activity < ?)", ps -> {
                    setInstant(ps, 1, when);
                    ps.setString(2, user);
                    ps.setString(3, serverName);
                    setInstant(ps, 4, when);
                });
        caches.changedServers(user);
    }

    void deleteServer(String user, String serverName) {
        sql.update("DELETE FROM servers WHERE user_name = ? AND name = ?", ps -> {
            ps.setString(1, user);
            ps.setString(2, serverName);
        });
        caches.changedServers(user);
        index.server(user, serverName, null);
    }
}
