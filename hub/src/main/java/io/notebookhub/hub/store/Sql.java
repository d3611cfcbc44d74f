package io.notebookhub.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** Statements against the store's connection pool; every SQL failure becomes a {@link StoreException}. */
final class Sql {
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource pool;
    private final StoreDialect dialect;
    private final boolean syncCommits;
    /** Set on a thread inside {@link #syncedOnce} or {@link #unsynced}: its writes leave the sync to the end or later. */
    private final ThreadLocal<boolean[]> syncDeferred = new ThreadLocal<>();

    Sql(DataSource pool) {
        this(pool, StoreDialect.H2, false);
    }

    /**
     * @param syncCommits after each write, force the embedded file to disk before returning (H2 writes a commit to
     *     the file at once with WRITE_DELAY=0, but only syncs on CHECKPOINT SYNC); PostgreSQL syncs on commit itself
     */
    Sql(DataSource pool, StoreDialect dialect, boolean syncCommits) {
        this.pool = pool;
        this.dialect = dialect;
        this.syncCommits = syncCommits;
    }

    StoreDialect dialect() {
        return dialect;
    }

    <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException(sql, e);
        }
    }

    <T> Optional<T> one(String sql, Binder binder, RowMapper<T> mapper) {
        List<T> rows = query(sql, binder, mapper);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    int update(String sql, Binder binder) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            int count = ps.executeUpdate();
            if (count > 0) {
                sync(c);
            }
            return count;
        } catch (SQLException e) {
            throw new StoreException(sql, e);
        }
    }

    /** Runs {@code work} in one transaction, rolled back if it fails; {@code statement} names it in errors. */
    <T> T inTransaction(String statement, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                sync(c);
                return result;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(statement, e);
        }
    }

    /**
     * Runs {@code writes} (each committed as it runs) and syncs the embedded file once at the end instead of after
     * each; whatever they committed is on disk when this returns or throws. A sync costs a few milliseconds, and the
     * writes of one step (a spawn's reservation with its credentials) need to be durable only before the step's
     * result is acted on.
     */
    <T> T syncedOnce(Supplier<T> writes) {
        return withSyncDeferred(writes, true);
    }

    /** Runs {@code writes} (each committed as it runs) without syncing the embedded file; a later sync covers them. */
    <T> T unsynced(Supplier<T> writes) {
        return withSyncDeferred(writes, false);
    }

    /** Runs {@code writes} with their syncs held back, then syncs once if any was and {@code syncAtEnd} says so. */
    private <T> T withSyncDeferred(Supplier<T> writes, boolean syncAtEnd) {
        if (!syncCommits || syncDeferred.get() != null) {
            return writes.get();
        }
        boolean[] pending = {false};
        syncDeferred.set(pending);
        try {
            return writes.get();
        } finally {
            syncDeferred.remove();
            if (syncAtEnd && pending[0]) {
                syncCommitted();
            }
        }
    }

    /** Forces what is committed to the embedded file to disk; nothing when commits are synced by the server. */
    void syncCommitted() {
        if (!syncCommits) {
            return;
        }
        try (Connection c = pool.getConnection()) {
            checkpoint(c);
        } catch (SQLException e) {
            throw new StoreException("CHECKPOINT SYNC", e);
        }
    }

    private void sync(Connection c) throws SQLException {
        if (!syncCommits) {
            return;
        }
        boolean[] pending = syncDeferred.get();
        if (pending != null) {
            pending[0] = true;
        } else {
            checkpoint(c);
        }
    }

    private static void checkpoint(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CHECKPOINT SYNC");
        }
    }

    static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    static void bindAll(PreparedStatement ps, Collection<String> values) throws SQLException {
        int i = 1;
        for (String v : values) {
            ps.setString(i++, v);
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static void setInstant(PreparedStatement ps, int index, Instant i) throws SQLException {
        ps.setObject(index, i == null ? null : i.atOffset(ZoneOffset.UTC));
    }
}
