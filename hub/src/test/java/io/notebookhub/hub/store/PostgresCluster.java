package io.notebookhub.hub.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, started once per JVM from Debian's {@code postgresql} package
 * ({@code .ci/install-tools} installs it) in a temporary folder on a free loopback port, with password
 * authentication; stopped when the JVM ends. PostgreSQL refuses to run as root, so as root it runs as the
 * unprivileged {@code nbhub-user} that install-tools creates. Each test gets its own database.
 */
public final class PostgresCluster {
    public static final String SUPERUSER = "hub";
    private static final String RUN_AS = "nbhub-user";
    private static PostgresCluster shared;

    private final Path bin;
    private final Path base;
    private final int port;
    private final String password = UUID.randomUUID().toString();
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresCluster(Path bin, Path base, int port) {
        this.bin = bin;
        this.base = base;
        this.port = port;
    }

    public static synchronized PostgresCluster shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    private static PostgresCluster start() {
        try {
            Path bin = binDir();
            Path base = Files.createTempDirectory("nbhub-pg-");
            PostgresCluster cluster = new PostgresCluster(bin, base, freePort());
            cluster.init();
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "postgres-stop"));
            return cluster;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start PostgreSQL for the tests: " + e.getMessage(), e);
        }
    }

    private static Path binDir() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var found = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .sorted().reduce((a, b) -> b);
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new IllegalStateException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
                + "run .ci/install-tools, which installs Debian's postgresql package");
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void init() throws IOException {
        Path pwfile = base.resolve("pw");
        Files.writeString(pwfile, password + "\n");
        if (root()) {
            run(List.of("chown", "-R", RUN_AS, base.toString()), false);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", base.resolve("data").toString(), "-U", SUPERUSER,
                "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C"), true);
        // fsync off: these tests check the hub's SQL and its crash handling, not PostgreSQL's own disk durability.
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", base.resolve("data").toString(), "-l",
                base.resolve("postgres.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -k " + base + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
                "start"), true);
    }

    private void stop() {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", base.resolve("data").toString(), "-m", "immediate",
                    "-w", "stop"), true);
            run(List.of("rm", "-rf", base.toString()), false);
        } catch (RuntimeException e) {
            System.err.println("stopping the tests' PostgreSQL: " + e.getMessage());
        }
    }

    private void run(List<String> command, boolean asPostgresUser) {
        List<String> full = new ArrayList<>();
        if (asPostgresUser && root()) {
            full.addAll(List.of("runuser", "-u", RUN_AS, "--"));
        }
        full.addAll(command);
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", full) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }

    /** A new, empty database; its URL in the hub's form, {@code postgresql://hub@127.0.0.1:PORT/NAME}. */
    public String newDatabaseUrl() {
        String name = "t" + databases.incrementAndGet() + "_" + ProcessHandle.current().pid();
        Properties props = new Properties();
        props.setProperty("user", SUPERUSER);
        props.setProperty("password", password);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
        }
        return "postgresql://" + SUPERUSER + "@127.0.0.1:" + port + "/" + name;
    }
}
