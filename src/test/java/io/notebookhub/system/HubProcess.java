package io.notebookhub.system;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The hub run as a user runs it: {@code java -jar hub/target/notebook-hub.jar} in its own process, on free
 * loopback ports, with its own data folder and the admin token. The one place system tests start, wait for,
 * log and stop a hub; launchers for a group of tests extend it with their options and API helpers.
 * Stopping it leaves users' servers running, as a restart would; only servers registered with
 * {@link #stopServerOnClose} are stopped by {@link #close()}.
 */
public class HubProcess implements AutoCloseable {
    public static final String ADMIN_TOKEN = "system-test-admin-token-0123456789";
    public static final ObjectMapper JSON = new ObjectMapper();
    /** Generous: on a machine shared with other builds a JVM start and the hub's start-up can take a minute. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public final Path dataDir;
    public final int proxyPort;
    public final int hubPort;
    public final Map<String, String> env = new HashMap<>();
    private final List<String> extraArgs;
    private final Set<String> serversToStop = new LinkedHashSet<>();
    private boolean externalProxy;
    private Path workingDir;
    private Process process;
    private Path log;

    public HubProcess(Path dataDir, List<String> extraArgs) throws IOException {
        this.dataDir = dataDir;
        this.extraArgs = extraArgs;
        this.proxyPort = freePort();
        this.hubPort = freePort();
        env.put("NBHUB_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("NBHUB_HUB_DATA_DIR", dataDir.toString());
        env.put("NBHUB_HUB_PORT", Integer.toString(hubPort));
        env.put("NBHUB_PROXY_PORT", Integer.toString(proxyPort));
        env.put("NBHUB_PROXY_API_PORT", Integer.toString(freePort()));
        env.put("NBHUB_HUB_PROFILES_DIR", repo().resolve("profiles").toString());
    }

    public static Path repo() {
        return Path.of(System.getProperty("notebookhub.repo", "..")).toAbsolutePath().normalize();
    }

    public static Path jar() {
        return Path.of(System.getProperty("notebookhub.jar", repo().resolve("hub/target/notebook-hub.jar").toString()))
                .toAbsolutePath();
    }

    /**
     * {@code java -jar} for the built jar, with the class-data sharing archive the build writes beside it (as
     * {@code .ci/start} runs it), so the many hub starts of the suite cost what a user's start costs.
     */
    public static List<String> javaJar() {
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        Path archive = jar().resolveSibling("notebook-hub.jsa");
        if (Files.isRegularFile(archive)) {
            cmd.add("-XX:SharedArchiveFile=" + archive);
        }
        cmd.addAll(List.of("-jar", jar().toString()));
        return cmd;
    }

    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Reads profiles from {@code folder} instead of the repository's {@code profiles/}. */
    public HubProcess profilesDir(Path folder) {
        env.put("NBHUB_HUB_PROFILES_DIR", folder.toString());
        return this;
    }

    /** Starts servers with this single-user server's command ({@code spawner.local.command}). */
    public HubProcess singleUser(SingleUserServer server) {
        env.put("NBHUB_SPAWNER_LOCAL_COMMAND", server.command().toString());
        return this;
    }

    /**
     * Runs the jar from the repository's folder and with its default notebook server, as {@code bash .ci/start}
     * runs it; without this the jar runs in the build's folder with the command configured by the test.
     */
    public HubProcess asReadmeStartsIt() {
        workingDir = repo();
        env.remove("NBHUB_SPAWNER_LOCAL_COMMAND");
        return this;
    }

    /** Makes these dev-login users admins ({@code hub.admin_users}). */
    public HubProcess adminUsers(String... names) {
        env.put("NBHUB_HUB_ADMIN_USERS", String.join(",", names));
        return this;
    }

    /** Runs the hub with an external proxy at {@code apiUrl}; requests then go to the hub's own port. */
    public HubProcess externalProxy(String apiUrl, String authToken) {
        env.put("NBHUB_PROXY_MODE", "external");
        env.put("NBHUB_PROXY_API_URL", apiUrl);
        env.put("NBHUB_PROXY_AUTH_TOKEN", authToken);
        externalProxy = true;
        return this;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + (externalProxy ? hubPort : proxyPort);
    }

    /** Starts the jar and waits until {@code /hub/health} answers; fails with the hub's log if it exits. */
    public HubProcess start() throws IOException {
        process = launch();
        await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(250)).until(this::healthy);
        return this;
    }

    /** Starts the jar and returns the process without waiting (for start-up failure tests). */
    public Process launch() throws IOException {
        Files.createDirectories(dataDir);
        log = dataDir.resolveSibling(dataDir.getFileName() + "-hub.log");
        List<String> cmd = javaJar();
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workingDir == null ? null : workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("NBHUB_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    /** The hub's process id (the JVM running the jar). */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    private boolean healthy() {
        if (!process.isAlive()) {
            throw new IllegalStateException("hub exited with " + process.exitValue() + ":\n" + logText());
        }
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/hub/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Everything the hub wrote so far, across restarts. */
    public String logText() {
        try {
            return log == null ? "" : Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public HttpResponse<String> call(String method, String path, String body, String token) throws IOException {
        return call(method, path, body, token, Map.of());
    }

    public HttpResponse<String> call(String method, String path, String body, String token,
                                     Map<String, String> headers) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "token " + token);
        }
        headers.forEach(b::header);
        try {
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The user's default server as the admin sees it (a missing node when there is none). */
    public JsonNode defaultServer(String user) throws IOException {
        HttpResponse<String> r = call("GET", "/hub/api/users/" + user, null, ADMIN_TOKEN);
        return r.statusCode() == 200 ? JSON.readTree(r.body()).path("servers").path("") : JSON.missingNode();
    }

    /** Stops the user's default server in {@link #close()}, so no notebook process outlives the test. */
    public void stopServerOnClose(String user) {
        serversToStop.add(user);
    }

    /** The user's server was stopped by the test itself. */
    public void serverStopped(String user) {
        serversToStop.remove(user);
    }

    /** Stops the registered servers, best effort, so that a failed stop does not hide the test's own failure. */
    private void stopServers() {
        for (String user : List.copyOf(serversToStop)) {
            try {
                call("DELETE", "/hub/api/users/" + user + "/server", null, ADMIN_TOKEN);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                        .until(() -> !defaultServer(user).path("ready").asBoolean(false));
            } catch (Exception | AssertionError e) {
                // Best effort, see above.
            }
        }
        serversToStop.clear();
    }

    /** SIGTERM, as a service manager stops it; waits for it to exit. Users' servers keep running. */
    public void stop() throws InterruptedException {
        if (isRunning()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * SIGKILL to the hub's JVM (what {@code destroyForcibly} sends on Linux), as a node failure or the OOM killer
     * ends it: no shutdown hook, no graceful close. Waits until the process is gone. Users' servers keep running.
     */
    public void kill9() throws InterruptedException {
        if (isRunning()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    public HubProcess restart() throws IOException, InterruptedException {
        stop();
        return start();
    }

    @Override
    public void close() throws Exception {
        if (isRunning()) {
            stopServers();
        }
        stop();
    }
}
