package io.notebookhub.hub.store;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Run in its own JVM by {@link EmbeddedStoreAfterKillTest} until that test kills it: writes users into the embedded
 * store from five threads the way the store does (one commit and one sync per write; the fourth thread writes two
 * users at a time with one sync, as a spawn's reservation does through {@link Sql#syncedOnce}; the fifth writes without
 * a sync, as a server's step to running does through {@link Sql#unsynced}) and prints each name,
 * ended by {@code ;}, once its write has returned. H2 keeps freed space 45 s before reusing it; this writer lets it reuse
 * space at once ({@code RETENTION_TIME=0}), so the seconds of a test reach the state a hub reaches after a minute.
 */
final class StoreWriterUntilKilled {
    private StoreWriterUntilKilled() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String prefix = args[1];
        H2HubStore.open(dir).close();
        JdbcConnectionPool pool = JdbcConnectionPool.create(new EmbeddedStoreFile(dir).jdbcUrl() + ";RETENTION_TIME=0",
                "hub", "");
        Sql sql = new Sql(pool, StoreDialect.H2, true);
        PrintStream out = System.out;
        AtomicLong next = new AtomicLong();
        String rewritten = prefix + "-rewritten";
        insert(sql, rewritten, Timestamp.from(Instant.now()), 0);
        ExecutorService writers = Executors.newFixedThreadPool(5);
        for (int w = 0; w < 5; w++) {
            boolean twoAtATime = w == 3;
            boolean withoutSync = w == 4;
            writers.submit(() -> {
                while (true) {
                    long n = next.incrementAndGet();
                    String name = prefix + "-" + n;
                    Timestamp now = Timestamp.from(Instant.now());
                    // Rows of many sizes make chunks of many sizes, so the gaps H2 reuses seldom fit as it predicted.
                    if (twoAtATime) {
                        sql.syncedOnce(() -> {
                            insert(sql, name + "-a", now, n);
                            insert(sql, name + "-b", now, n + 1);
                            return null;
                        });
                    } else if (withoutSync) {
                        sql.unsynced(() -> {
                            insert(sql, name, now, n);
                            return null;
                        });
                    } else {
                        insert(sql, name, now, n);
                    }
                    // Rewriting one row over and over frees space, as activity updates do.
                    sql.update("UPDATE users SET last_activity = ?, auth_state = ? WHERE name = ?", ps -> {
                        ps.setTimestamp(1, now);
                        ps.setBytes(2, new byte[(int) (n * 1009 % 9000)]);
                        ps.setString(3, rewritten);
                    });
                    synchronized (out) {
                        if (twoAtATime) {
                            out.println(name + "-a;");
                            out.println(name + "-b;");
                        } else {
                            out.println(name + ";");
                        }
                        out.flush();
                    }
                }
            });
        }
        writers.awaitTermination(1, TimeUnit.DAYS);
    }

    private static void insert(Sql sql, String name, Timestamp now, long n) {
        sql.update("INSERT INTO users (name, created, auth_state) VALUES (?, ?, ?)", ps -> {
            ps.setString(1, name);
            ps.setTimestamp(2, now);
            ps.setBytes(3, new byte[(int) (n * 397 % 3000)]);
        });
    }
}
