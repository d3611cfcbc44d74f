package io.notebookhub.hub.store;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The few statements whose syntax differs between the embedded store (H2) and PostgreSQL. Everything else the
 * tables say is SQL both understand, so there is one store over JDBC and one set of tables.
 */
enum StoreDialect {
    H2 {
        @Override
        String upsert(String table, List<String> columns, List<String> key) {
            return "MERGE INTO " + table + " (" + String.join(", ", columns) + ") KEY (" + String.join(", ", key)
                    + ") VALUES (" + Sql.placeholders(columns.size()) + ")";
        }

        @Override
        String insertIfAbsent(String table, List<String> columns) {
            // MERGE without WHEN MATCHED: only a missing row is inserted, and the count says whether it was.
            return "MERGE INTO " + table + " t USING (VALUES (CAST(? AS VARCHAR(255)))) v(n) ON t.name = v.n "
                    + "WHEN NOT MATCHED THEN INSERT (" + String.join(", ", columns) + ") VALUES (v.n"
                    + (columns.size() > 1 ? ", " + Sql.placeholders(columns.size() - 1) : "") + ")";
        }
    },
    POSTGRESQL {
        @Override
        String upsert(String table, List<String> columns, List<String> key) {
            String updates = columns.stream().filter(c -> !key.contains(c)).map(c -> c + " = EXCLUDED." + c)
                    .collect(Collectors.joining(", "));
            return insert(table, columns) + " ON CONFLICT (" + String.join(", ", key) + ") DO "
                    + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates);
        }

        @Override
        String insertIfAbsent(String table, List<String> columns) {
            return insert(table, columns) + " ON CONFLICT (name) DO NOTHING";
        }
    };

    /** Inserts the row or, when a row with the same key exists, replaces its other columns. */
    abstract String upsert(String table, List<String> columns, List<String> key);

    /**
     * Inserts the row unless one with the same {@code name} (the first column, the table's key) exists; the update
     * count is 1 when it was inserted. Concurrent callers never fail on the key.
     */
    abstract String insertIfAbsent(String table, List<String> columns);

    private static String insert(String table, List<String> columns) {
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + Sql.placeholders(columns.size()) + ")";
    }
}
