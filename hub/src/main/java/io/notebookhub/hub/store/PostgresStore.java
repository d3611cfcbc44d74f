package io.notebookhub.hub.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The connection to a PostgreSQL store: a pool for the tables, and one more connection that holds a session
 * advisory lock while the hub runs, so a second hub on the same database is refused (two hubs would each reconcile
 * the other's servers away). PostgreSQL releases the lock when that connection ends, crash or not.
 */
final class PostgresStore implements AutoCloseable {
    /** The advisory lock key: "nbhub" in ASCII. */
    private static final long LOCK_KEY = 0x6e62687562L;

    private final String describe;
    private final HikariDataSource pool;
    private final Connection lockHolder;

    private PostgresStore(String describe, HikariDataSource pool, Connection lockHolder) {
        this.describe = describe;
        this.pool = pool;
        this.lockHolder = lockHolder;
    }

    static PostgresStore connect(String url, String password, boolean oneHubOnly) {
        String jdbcUrl = jdbcUrl(url);
        String user = user(url);
        String describe = jdbcUrl.replaceFirst("^jdbc:", "").replaceFirst("\\?.*$", "");
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null && !password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "notebook-hub");
        Connection lock;
        try {
            lock = DriverManager.getConnection(jdbcUrl, props);
        } catch (SQLException e) {
            throw new StoreRefusedException("cannot connect to the PostgreSQL store " + describe + ": "
                    + EmbeddedStoreFile.firstLine(e.getMessage()), e);
        }
        try (Statement st = lock.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
            rs.next();
            if (oneHubOnly && !rs.getBoolean(1)) {
                throw new StoreRefusedException("the PostgreSQL store " + describe + " is in use by another hub; "
                        + "stop that hub first, or give this one its own database");
            }
        } catch (SQLException e) {
            closeQuietly(lock);
            throw new StoreRefusedException("the PostgreSQL store " + describe + " refused the hub's lock: "
                    + EmbeddedStoreFile.firstLine(e.getMessage()), e);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setDataSourceProperties(props);
        config.setMaximumPoolSize(16);
        config.setPoolName("hub-store");
        config.setConnectionTimeout(10_000);
        try {
            return new PostgresStore(describe, new HikariDataSource(config), lock);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw new StoreRefusedException("cannot open a connection pool to the PostgreSQL store " + describe + ": "
                    + EmbeddedStoreFile.firstLine(e.getMessage()), e);
        }
    }

    /** {@code postgresql://user@host:port/db?x=y} to {@code jdbc:postgresql://host:port/db?x=y}; jdbc: URLs stay. */
    static String jdbcUrl(String url) {
        if (url.startsWith("jdbc:")) {
            return url;
        }
        URI uri = URI.create(url.replaceFirst("^postgres://", "postgresql://"));
        String hostPort = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        return "jdbc:postgresql://" + hostPort + (uri.getRawPath() == null ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    static String user(String url) {
        if (url.startsWith("jdbc:")) {
            return null;
        }
        String userInfo = URI.create(url.replaceFirst("^postgres://", "postgresql://")).getUserInfo();
        return userInfo == null || userInfo.isEmpty() ? null : userInfo;
    }

    DataSource dataSource() {
        return pool;
    }

    String describe() {
        return describe;
    }

    @Override
    public void close() {
        pool.close();
        closeQuietly(lockHolder);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing after a failure: the first error is the one reported
        }
    }
}
