package io.notebookhub.hub;

import io.notebookhub.config.ConfigException;
import io.notebookhub.hub.config.HubConfig;
import io.notebookhub.hub.store.H2HubStore;
import io.notebookhub.hub.store.StoreRefusedException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code notebook-hub db backup FILE} and {@code db restore FILE}: the embedded store's backup and restore. */
@Command(name = "db", mixinStandardHelpOptions = true, description = "Back up and restore the hub's embedded store.",
        subcommands = {DbCommand.Backup.class, DbCommand.Restore.class})
final class DbCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("notebook-hub db: give a subcommand: backup FILE or restore FILE");
        return 2;
    }

    abstract static class StoreCommand implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "the hub's YAML configuration (for hub.data_dir, "
                + "hub.ip, hub.port, hub.db.url); NBHUB_* variables override it")
        Path config;

        HubConfig hubConfig() {
            HubConfig c = HubConfig.load(config, System.getenv());
            if (!c.db().embedded()) {
                throw new ConfigException("the store is PostgreSQL (hub.db.url): back it up with pg_dump and restore it "
                        + "with pg_restore (docs/store.md: Backup and restore)");
            }
            return c;
        }

        @Override
        public Integer call() {
            try {
                return run();
            } catch (ConfigException | StoreRefusedException | IOException e) {
                System.err.println("notebook-hub db: " + e.getMessage());
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }

        abstract int run() throws IOException, InterruptedException;
    }

    @Command(name = "backup", mixinStandardHelpOptions = true, description = "Write a consistent copy of the embedded "
            + "store to FILE (a zip), safe while the hub runs: a running hub is asked through its API (token from "
            + "NBHUB_ADMIN_TOKEN or --token-file, with admin:users and tokens); a stopped hub's file is read directly.")
    static final class Backup extends StoreCommand {
        @Parameters(index = "0", paramLabel = "FILE", description = "the backup to write (a zip)")
        Path file;

        @Option(names = "--hub-url", paramLabel = "URL", description = "the hub's own address (default from hub.ip and "
                + "hub.port, e.g. http://127.0.0.1:8081)")
        String hubUrl;

        @Option(names = "--token-file", paramLabel = "FILE", description = "a file holding the API token")
        Path tokenFile;

        @Override
        int run() throws IOException, InterruptedException {
            HubConfig c = hubConfig();
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path partial = parent.resolve("." + file.getFileName() + ".partial");
            String url = (hubUrl != null ? hubUrl : c.hubConnectUrl()).replaceAll("/+$", "") + "/hub/api/db/backup";
            String how;
            try {
                fromRunningHub(url, token(c), partial);
                how = "from the running hub at " + url;
            } catch (ConnectException e) {
                // No hub answers: the file is free to read (if a hub does hold it, opening it says so).
                Files.deleteIfExists(partial);
                try (H2HubStore store = H2HubStore.open(c.hub().dataDir())) {
                    store.backupTo(partial);
                }
                how = "from " + c.hub().dataDir().resolve("hub.mv.db") + " (no hub running)";
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.out.println("backup written to " + file + " (" + Files.size(file) + " bytes) " + how);
            return 0;
        }

        private String token(HubConfig c) throws IOException {
            if (tokenFile != null) {
                return Files.readString(tokenFile).strip();
            }
            return c.adminToken();
        }

        private static void fromRunningHub(String url, String token, Path partial)
                throws IOException, InterruptedException {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(30))
                    .POST(HttpRequest.BodyPublishers.noBody());
            if (!token.isEmpty()) {
                request.header("Authorization", "token " + token);
            }
            HttpResponse<Path> response = http.send(request.build(), HttpResponse.BodyHandlers.ofFile(partial));
            if (response.statusCode() != 200) {
                String body = Files.readString(partial);
                Files.deleteIfExists(partial);
                throw new IOException("the hub at " + url + " refused the backup (" + response.statusCode() + "): "
                        + body.strip() + (token.isEmpty() ? "; set NBHUB_ADMIN_TOKEN or --token-file" : ""));
            }
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Replace the embedded store with a "
            + "backup made by 'db backup'. The hub must be stopped; the store it replaces is kept beside it.")
    static final class Restore extends StoreCommand {
        @Parameters(index = "0", paramLabel = "FILE", description = "the backup to restore (a zip)")
        Path file;

        @Override
        int run() throws IOException {
            HubConfig c = hubConfig();
            Path dataDir = c.hub().dataDir().toAbsolutePath();
            Files.createDirectories(dataDir);
            Path staging = Files.createTempDirectory(dataDir, ".restore-");
            try {
                unzipStore(file, staging.resolve("hub.mv.db"));
                long users;
                // Opening checks the backup as start-up would (readable, schema not newer) before anything is replaced.
                try (H2HubStore restored = H2HubStore.open(staging)) {
                    users = restored.counts().getOrDefault("users", 0L);
                }
                Path live = dataDir.resolve("hub.mv.db");
                String kept = "";
                if (Files.exists(live)) {
                    // Opening the live store proves no hub holds it.
                    H2HubStore.probeNotInUse(dataDir);
                    Path aside = dataDir.resolve("hub.mv.db.before-restore-" + Instant.now().getEpochSecond());
                    Files.move(live, aside);
                    kept = "; the store it replaced is kept as " + aside;
                }
                Files.move(staging.resolve("hub.mv.db"), live);
                System.out.println("restored " + file + " into " + live + " (" + users + " users)" + kept);
                return 0;
            } finally {
                try (var left = Files.list(staging)) {
                    for (Path p : left.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(staging);
            }
        }

        private static void unzipStore(Path zip, Path target) throws IOException {
            try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
                for (ZipEntry e = entries.getNextEntry(); e != null; e = entries.getNextEntry()) {
                    if (e.getName().endsWith(".mv.db")) {
                        Files.copy(entries, target);
                        return;
                    }
                }
            } catch (IOException e) {
                throw new IOException(zip + " cannot be read as a backup: " + e.getMessage(), e);
            }
            throw new IOException(zip + " is not a backup made by 'db backup' (it holds no .mv.db file)");
        }
    }
}
