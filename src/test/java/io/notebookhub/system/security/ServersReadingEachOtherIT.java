package io.notebookhub.system.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.notebookhub.system.HubApi;
import io.notebookhub.system.HubProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's kernel reads another user's files, or the hub's environment (which holds NBHUB_ADMIN_TOKEN), to become
 * them or admin. With {@code spawner.local.create_system_users} a root hub runs each user's server as an OS account
 * of its own, created on first spawn, in a folder only that account can read, from an environment built from nothing.
 * Tried with the OS itself: a process as one user's account reading what the other's must keep. The accounts the hub
 * creates are deleted afterwards.
 */
class ServersReadingEachOtherIT {
    private static final String PATTERN = "nbsec-{username}";
    private static final List<String> USERS = List.of("ann", "ben");

    @TempDir
    static Path temp;
    static HubProcess hub;

    @BeforeAll
    static void startHubWithAnAccountPerUser() throws Exception {
        assumeThat(System.getProperty("user.name")).as("creating OS accounts needs a root hub").isEqualTo("root");
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        hub = new HubProcess(temp.resolve("data"), List.of());
        hub.env.put("NBHUB_SPAWNER_LOCAL_CREATE_SYSTEM_USERS", "true");
        hub.env.put("NBHUB_SPAWNER_LOCAL_SYSTEM_USER_PATTERN", PATTERN);
        hub.env.put("NBHUB_CULLER_ENABLED", "false");
        hub.start();
        for (String user : USERS) {
            HubApi.call(hub, "POST", "/hub/api/users/" + user, null, HubProcess.ADMIN_TOKEN);
            hub.stopServerOnClose(user);
            var r = HubApi.call(hub, "POST", "/hub/api/users/" + user + "/server", "{}", HubProcess.ADMIN_TOKEN);
            assertThat(r.statusCode()).as(r.body() + "\n" + hub.logText()).isIn(201, 202);
        }
        for (String user : USERS) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> hub.defaultServer(user).path("ready").asBoolean());
        }
    }

    @AfterAll
    static void stopHubAndDeleteTheAccounts() throws Exception {
        if (hub != null) {
            hub.close();
        }
        for (String user : USERS) {
            String account = PATTERN.replace("{username}", user);
            // The servers are stopped; anything the account still runs goes with it.
            run("pkill", "-KILL", "-u", account);
            run("userdel", account);
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    /** Runs {@code command} as {@code account}, as that user's kernel would; returns the exit code. */
    private static int as(String account, String... command) throws Exception {
        List<String> full = new java.util.ArrayList<>(List.of("setpriv", "--reuid=" + account, "--regid=" + account,
                "--init-groups", "--"));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    private static String pid(String user) throws Exception {
        return hub.defaultServer(user).path("state").path("pid").asText();
    }

    @Test
    void eachUsersServerRunsAsItsOwnUnprivilegedAccount() throws Exception {
        String annUid = uidOf(pid("ann"));
        String benUid = uidOf(pid("ben"));
        assertThat(annUid).isNotEqualTo("0").isNotEqualTo(benUid);
        assertThat(benUid).isNotEqualTo("0");
        Process id = new ProcessBuilder("id", "-u", "nbsec-ann").start();
        assertThat(new String(id.getInputStream().readAllBytes()).trim()).isEqualTo(annUid);
        Path home = hub.dataDir.resolve("users").resolve("ann");
        assertThat(Files.getOwner(home).getName()).isEqualTo("nbsec-ann");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx------");
    }

    private static String uidOf(String pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[1];
            }
        }
        throw new AssertionError("no Uid line for " + pid);
    }

    @Test
    void oneUsersAccountCannotReadTheOthersFiles() throws Exception {
        Path secret = hub.dataDir.resolve("users").resolve("ben").resolve("secret.txt");
        assertThat(as("nbsec-ben", "sh", "-c", "echo ben-only > '" + secret + "' && chmod 644 '" + secret + "'"))
                .as("ben writes a file in his own folder, even one he left world-readable").isZero();

        assertThat(as("nbsec-ann", "cat", secret.toString())).as("ann reads ben's file").isNotZero();
        assertThat(as("nbsec-ann", "ls", secret.getParent().toString())).as("ann lists ben's folder").isNotZero();
        assertThat(as("nbsec-ben", "cat", secret.toString())).as("ben reads his own").isZero();
    }

    @Test
    void noServerCanReadTheHubsEnvironmentNorIsGivenIt() throws Exception {
        String hubEnviron = "/proc/" + hub.pid() + "/environ";
        assertThat(Files.readString(Path.of(hubEnviron))).as("the hub's environment holds the admin token")
                .contains(HubProcess.ADMIN_TOKEN);
        assertThat(as("nbsec-ann", "cat", hubEnviron)).isNotZero();

        Map<String, String> env = environment(pid("ann"));
        assertThat(env.keySet()).noneMatch(k -> k.startsWith("NBHUB_")).doesNotContain("CONFIGPROXY_AUTH_TOKEN");
        assertThat(env.values()).noneMatch(v -> v.contains(HubProcess.ADMIN_TOKEN));
        assertThat(env).containsEntry("USER", "nbsec-ann").containsKey("PATH").containsEntry("JUPYTERHUB_USER", "ann");
        assertThat(env.get("JUPYTERHUB_API_TOKEN")).isNotEmpty();
    }

    private static Map<String, String> environment(String pid) throws Exception {
        Map<String, String> env = new HashMap<>();
        for (String entry : Files.readString(Path.of("/proc", pid, "environ")).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    @Test
    void aRootHubWithARealIdentityProviderRefusesToRunServersAsRoot() throws Exception {
        HubProcess refused = new HubProcess(temp.resolve("refused"), List.of());
        refused.env.put("NBHUB_AUTH_TYPE", "oidc");
        refused.env.put("NBHUB_AUTH_CLIENT_ID", "hub");
        refused.env.put("NBHUB_AUTH_ISSUER_URL", "http://127.0.0.1:9/realms/x");
        Process p = refused.launch();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the hub exits instead of starting").isTrue();
            assertThat(p.exitValue()).isNotZero();
            assertThat(refused.logText()).contains("would run as root").contains("create_system_users: true")
                    .contains("run_as_user");
        } finally {
            p.destroyForcibly();
        }
    }
}
