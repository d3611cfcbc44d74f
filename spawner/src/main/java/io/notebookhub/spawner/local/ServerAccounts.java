package io.notebookhub.spawner.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a user's server runs as, as JupyterHub's LocalProcessSpawner decides it: with {@code create_system_users}
 * (and a root hub) each hub user gets an OS account of their own, created on first spawn and named by a pattern;
 * with {@code run_as_user}, every server runs as that one account; otherwise as the hub's own account. The
 * server's folder is given to its account and made readable by it alone.
 */
final class ServerAccounts {
    private static final Logger log = LoggerFactory.getLogger(ServerAccounts.class);
    /** Linux account names: at most 32 characters. */
    private static final int MAX_NAME = 32;

    private final LocalSpawnerConfig config;
    private final boolean hubIsRoot;

    ServerAccounts(LocalSpawnerConfig config, boolean hubIsRoot) {
        this.config = config;
        this.hubIsRoot = hubIsRoot;
    }

    /** The account the user's server runs as, created if it must be; null for the hub's own account. */
    String accountFor(String user, Path home) throws IOException {
        if (config.createSystemUsers() && hubIsRoot) {
            String account = accountName(config.systemUserPattern(), user);
            ensureAccount(account, home);
            return account;
        }
        return config.runAsUser().isEmpty() ? null : config.runAsUser();
    }

    /**
     * The OS account name for a hub user: the pattern's {@code {username}} filled with the name in lower case,
     * every character other than a-z and 0-9 written as {@code -} and its hex code (so two hub names never share an
     * account), cut to 32 characters with a hash of the full name when longer.
     */
    static String accountName(String pattern, String user) {
        StringBuilder safe = new StringBuilder();
        for (byte b : user.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                safe.append((char) c);
            } else {
                safe.append('-').append(String.format("%02x", c));
            }
        }
        String name = pattern.replace("{username}", safe).toLowerCase(Locale.ROOT);
        if (name.length() > MAX_NAME) {
            name = name.substring(0, MAX_NAME - 9) + "-" + hash(user).substring(0, 8);
        }
        return name;
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serialised: two first spawns of one user must not both run useradd. */
    private synchronized void ensureAccount(String account, Path home) throws IOException {
        if (run("id", "-u", account) == 0) {
            return;
        }
        int code = run("useradd", "--user-group", "--no-create-home", "--home-dir", home.toAbsolutePath().toString(),
                "--shell", "/usr/sbin/nologin", account);
        if (code != 0 && run("id", "-u", account) != 0) {
            throw new IOException("cannot create the OS account " + account + " (useradd exited with " + code + ")");
        }
        log.info("created OS account {} for servers", account);
    }

    /** The command that runs what follows as {@code account}, in place (the pid stays the server's). */
    static List<String> switchTo(String account) throws IOException {
        return List.of("setpriv", "--reuid=" + account, "--regid=" + primaryGroup(account), "--init-groups", "--");
    }

    /** Gives the server's folder to its account, readable by it alone. */
    static void giveHome(Path home, String account) throws IOException {
        if (run("chown", account + ":" + primaryGroup(account), home.toString()) != 0) {
            throw new IOException("chown " + account + " " + home + " failed");
        }
        PrivateFiles.restrict(home, "rwx------");
    }

    private static String primaryGroup(String account) throws IOException {
        Process id = new ProcessBuilder("id", "-g", account).redirectErrorStream(true).start();
        try {
            String out = new String(id.getInputStream().readAllBytes()).trim();
            if (id.waitFor() != 0 || !out.matches("\\d+")) {
                throw new IOException("'" + account + "' is not a user on this machine: " + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static int run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
