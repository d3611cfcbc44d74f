package io.notebookhub.hub.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Groups, their members and properties; membership changes drop the members' cached user records. */
final class GroupTable {
    private static final String GROUP_COLUMNS = "g.name, g.properties, (SELECT STRING_AGG(gm.user_name, ',' "
            + "ORDER BY gm.user_name) FROM group_members gm WHERE gm.group_name = g.name) AS members";

    private final Sql sql;
    private final RecordCaches caches;

    GroupTable(Sql sql, RecordCaches caches) {
        this.sql = sql;
        this.caches = caches;
    }

    private static GroupRecord groupRow(ResultSet rs) throws SQLException {
        String members = rs.getString("members");
        Map<String, Object> properties = StoreJson.read(rs.getString("properties"), "group properties");
        return new GroupRecord(rs.getString("name"),
                members == null || members.isEmpty() ? List.of() : List.of(members.split(",")), properties);
    }

    List<GroupRecord> groups(int offset, int limit) {
        return sql.query("SELECT " + GROUP_COLUMNS + " FROM groups_ g ORDER BY g.name LIMIT ? OFFSET ?", ps -> {
            ps.setInt(1, limit);
            ps.setInt(2, offset);
        }, GroupTable::groupRow);
    }

    long countGroups() {
        return sql.one("SELECT COUNT(*) FROM groups_", ps -> { }, rs -> rs.getLong(1)).orElse(0L);
    }

    Optional<GroupRecord> group(String name) {
        return sql.one("SELECT " + GROUP_COLUMNS + " FROM groups_ g WHERE g.name = ?", ps -> ps.setString(1, name),
                GroupTable::groupRow);
    }

    boolean createGroup(String name) {
        return sql.update(sql.dialect().insertIfAbsent("groups_", List.of("name")), ps -> ps.setString(1, name)) > 0;
    }

    boolean deleteGroup(String name) {
        List<String> members = sql.query("SELECT user_name FROM group_members WHERE group_name = ?",
                ps -> ps.setString(1, name), rs -> rs.getString(1));
        boolean deleted = sql.update("DELETE FROM groups_ WHERE name = ?", ps -> ps.setString(1, name)) > 0;
        members.forEach(caches::changedUser);
        return deleted;
    }

    void addGroupMembers(String group, List<String> users) {
        for (String user : users) {
            sql.update(sql.dialect().upsert("group_members", List.of("group_name", "user_name"), List.of("group_name", "user_name")),
                    ps -> {
                        ps.setString(1, group);
                        ps.setString(2, user);
                    });
        }
        users.forEach(caches::changedUser);
    }

    void removeGroupMembers(String group, List<String> users) {
        for (String user : users) {
            sql.update("DELETE FROM group_members WHERE group_name = ? AND user_name = ?", ps -> {
                ps.setString(1, group);
                ps.setString(2, user);
            });
        }
        users.forEach(caches::changedUser);
    }

    void setGroupProperties(String group, Map<String, Object> properties) {
        String text = StoreJson.write(properties);
        sql.update("UPDATE groups_ SET properties = ? WHERE name = ?", ps -> {
            ps.setString(1, text);
            ps.setString(2, group);
        });
    }
}
