package io.notebookhub.hub;

import ch.qos.logback.classic.Level;
import io.notebookhub.hub.config.HubConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts a throw-away hub (temporary data folder, free ports, development login), sends it the requests a
 * start-up and a first visitor make, and stops it. The Maven build runs it under
 * {@code -XX:ArchiveClassesAtExit} so that the classes it loads go into a class-data sharing archive beside the
 * jar: a hub started with {@code -XX:SharedArchiveFile} then maps them instead of parsing and verifying them
 * again, which is most of a restart's time.
 */
@Command(name = "warm-up", hidden = true,
        description = "Start and stop a throw-away hub (the build records its classes for class-data sharing).")
final class WarmUpCommand implements Callable<Integer> {
    @Option(names = "--requests", description = "Times to repeat the visitor's requests (default ${DEFAULT-VALUE})")
    int rounds = 3;

    @Override
    public Integer call() throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        Path data = Files.createTempDirectory("notebook-hub-warm-up");
        String adminToken = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        Map<String, String> env = Map.of(
                "NBHUB_HUB_DATA_DIR", data.toString(),
                "NBHUB_HUB_PORT", freePort(),
                "NBHUB_PROXY_PORT", freePort(),
                "NBHUB_PROXY_API_PORT", freePort(),
                "NBHUB_ADMIN_TOKEN", adminToken);
        HubApp app = HubApp.start(HubConfig.load(null, env)).toCompletionStage().toCompletableFuture().get();
        try {
            HttpClient http = HttpClient.newHttpClient();
            String hub = "http://127.0.0.1:" + app.hubPort();
            String proxy = "http://127.0.0.1:" + app.proxyPort();
            for (int i = 0; i < rounds; i++) {
                get(http, hub + "/hub/health", null);
                get(http, proxy + "/hub/login", null);
                get(http, proxy + "/user/nobody/api", null);
                get(http, hub + "/hub/api/", null);
                get(http, hub + "/hub/api/users?limit=10", adminToken);
                get(http, hub + "/hub/api/user", adminToken);
                send(http, HttpRequest.newBuilder(URI.create(hub + "/hub/api/users/warm-up"))
                        .header("Authorization", "token " + adminToken)
                        .POST(HttpRequest.BodyPublishers.noBody()).build());
                send(http, HttpRequest.newBuilder(URI.create(hub + "/hub/api/users/warm-up"))
                        .header("Authorization", "token " + adminToken).DELETE().build());
            }
        } finally {
            app.close();
            deleteTree(data);
        }
        return 0;
    }

    /** A port free now (the hub's default route is its configured port, so 0 would not do). */
    private static String freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return Integer.toString(socket.getLocalPort());
        }
    }

    private static void get(HttpClient http, String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (token != null) {
            request.header("Authorization", "token " + token);
        }
        send(http, request.build());
    }

    private static void send(HttpClient http, HttpRequest request) throws IOException, InterruptedException {
        http.send(request, HttpResponse.BodyHandlers.discarding());
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
