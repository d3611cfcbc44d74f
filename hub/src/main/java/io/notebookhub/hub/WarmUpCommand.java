package io.notebookhub.hub;

import ch.qos.logback.classic.Level;
import io.notebookhub.hub.config.HubConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts a throw-away hub (free ports, development login), sends it the requests a start-up and a first visitor
 * make, and stops it. The Maven build runs it under {@code -XX:ArchiveClassesAtExit} so that the classes it loads go
 * into a class-data sharing archive beside the jar: a hub started with {@code -XX:SharedArchiveFile} then maps them
 * instead of parsing and verifying them again, which is most of a restart's time.
 *
 * <p>The archive is mapped whole into every hub that uses it, so it should hold what a restart loads and nothing
 * more: the build first runs this once without an archive on a data folder it keeps ({@code --data}), which creates
 * and migrates the store, so that the archived run opens a current store as a restart does (no schema migration
 * classes). That first run ends as {@code kill -9} would end it ({@code --crash}), so the archived run opens the store
 * as a restart after a crash does. Its requests go through Vert.x's client, which the hub loads anyway, not the
 * JDK's; one of them goes through a route to a server of its own, as users' requests do after a restart.
 */
@Command(name = "warm-up", hidden = true,
        description = "Start and stop a throw-away hub (the build records its classes for class-data sharing).")
final class WarmUpCommand implements Callable<Integer> {
    @Option(names = "--requests", description = "Times to repeat the visitor's requests (default ${DEFAULT-VALUE})")
    int rounds = 3;

    @Option(names = "--data", description = "Data folder to use and keep (default: a temporary one, deleted)")
    Path dataDir;

    @Option(names = "--crash", description = "End without closing anything, as kill -9 would (keeps --data)")
    boolean crash;

    @Override
    public Integer call() throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        Path data = dataDir != null ? Files.createDirectories(dataDir) : Files.createTempDirectory("notebook-hub-warm-up");
        String adminToken = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        String proxyToken = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        String proxyApiPort = freePort();
        Map<String, String> env = Map.of(
                "NBHUB_HUB_DATA_DIR", data.toString(),
                "NBHUB_HUB_PORT", freePort(),
                "NBHUB_PROXY_PORT", freePort(),
                "NBHUB_PROXY_API_PORT", proxyApiPort,
                "NBHUB_PROXY_AUTH_TOKEN", proxyToken,
                "NBHUB_ADMIN_TOKEN", adminToken);
        HubApp app = HubApp.start(HubConfig.load(null, env)).toCompletionStage().toCompletableFuture().get();
        Vertx vertx = HubApp.newVertx();
        try {
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(r -> r.response().putHeader("Content-Type", "application/json").end("{}"))
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            HttpClient http = vertx.createHttpClient();
            String hub = "http://127.0.0.1:" + app.hubPort();
            String proxy = "http://127.0.0.1:" + app.proxyPort();
            String route = "http://127.0.0.1:" + proxyApiPort + "/api/routes/user/warm-up";
            expect(201, send(http, HttpMethod.POST, route, proxyToken,
                    "{\"target\": \"http://127.0.0.1:" + server.actualPort() + "\", \"user\": \"warm-up\"}"));
            for (int i = 0; i < rounds; i++) {
                expect(200, send(http, HttpMethod.GET, proxy + "/user/warm-up/api", null));
                send(http, HttpMethod.GET, hub + "/hub/health", null);
                send(http, HttpMethod.GET, proxy + "/hub/login", null);
                send(http, HttpMethod.GET, proxy + "/user/nobody/api", null);
                send(http, HttpMethod.GET, hub + "/hub/api/", null);
                send(http, HttpMethod.GET, hub + "/hub/api/users?limit=10", adminToken);
                send(http, HttpMethod.GET, hub + "/hub/api/user", adminToken);
                send(http, HttpMethod.POST, hub + "/hub/api/users/warm-up", adminToken);
                send(http, HttpMethod.DELETE, hub + "/hub/api/users/warm-up", adminToken);
            }
            send(http, HttpMethod.DELETE, route, proxyToken);
            if (crash) {
                Runtime.getRuntime().halt(0);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            app.close();
            if (dataDir == null) {
                deleteTree(data);
            }
        }
        return 0;
    }

    /** A port free now (the hub's default route is its configured port, so 0 would not do). */
    private static String freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return Integer.toString(socket.getLocalPort());
        }
    }

    private static int send(HttpClient http, HttpMethod method, String url, String token) throws Exception {
        return send(http, method, url, token, "");
    }

    /** The answer's status. */
    private static int send(HttpClient http, HttpMethod method, String url, String token, String body)
            throws Exception {
        RequestOptions request = new RequestOptions().setMethod(method).setAbsoluteURI(url);
        if (token != null) {
            request.putHeader("Authorization", "token " + token);
        }
        // The body is asked for in send's own callback: a later stage of the chain can run after the response
        // has ended, and then asking fails (a busy build machine showed it).
        return http.request(request).compose(r -> r.send(body).compose(response -> response.body().map(
                        b -> response.statusCode())))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** The archive would miss what a step did not reach, and nothing else would tell. */
    private static void expect(int status, int got) {
        if (got != status) {
            throw new IllegalStateException("warm-up: expected " + status + ", got " + got);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
