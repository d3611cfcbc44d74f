package io.notebookhub.system;

import static org.awaitility.Awaitility.await;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The hub run as a user runs it: {@code java -jar hub/target/notebook-hub.jar} in its own process, on free
 * loopback ports, with its own data folder. Stopping it leaves users' servers running, as a restart would.
 */
public final class HubProcess implements AutoCloseable {
    public static final String ADMIN_TOKEN = "system-test-admin-token-0123456789";

    public final Path dataDir;
    public final int proxyPort;
    public final int hubPort;
    public final Map<String, String> env = new HashMap<>();
    private final List<String> extraArgs;
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
        return Path.of(System.getProperty("notebookhub.jar", repo().resolve("hub/target/notebook-hub.jar").toString()));
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + proxyPort;
    }

    public HubProcess start() throws IOException {
        process = launch();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(this::healthy);
        return this;
    }

    /** Starts the jar and returns the process without waiting (for start-up failure tests). */
    public Process launch() throws IOException {
        Files.createDirectories(dataDir);
        log = dataDir.resolveSibling(dataDir.getFileName() + "-hub.log");
        List<String> cmd = new java.util.ArrayList<>(List.of(javaBin(), "-jar", jar().toString()));
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("NBHUB_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private boolean healthy() {
        if (!process.isAlive()) {
            throw new IllegalStateException("hub exited with " + process.exitValue() + ":\n" + logText());
        }
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(baseUrl() + "/hub/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String logText() {
        try {
            return log == null ? "" : Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM, as a service manager stops it; waits for it to exit. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
