package io.notebookhub.culler;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code notebook-hub culler}: the culler as a hub service over the REST API, with jupyterhub-idle-culler's
 * flags. The API token comes from {@code JUPYTERHUB_API_TOKEN} only, so it never shows in a process list.
 */
@Command(name = "culler", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Stops idle notebook servers through the hub's REST API (run it as a hub service).",
                "Token: env JUPYTERHUB_API_TOKEN. Durations are in seconds."})
public final class CullerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(CullerCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--url", description = "Hub API URL (default: env JUPYTERHUB_API_URL)")
    String url;

    @Option(names = "--server-url", description = "Base URL where servers' /user/... paths are reached, "
            + "i.e. the proxy's public URL (default: scheme, host and port of --url)")
    URI serverUrl;

    @Option(names = "--timeout", defaultValue = "3600", description = "Idle seconds before a server is culled (default: ${DEFAULT-VALUE})")
    long timeout;

    @Option(names = "--cull-every", defaultValue = "300", description = "Seconds between rounds (default: ${DEFAULT-VALUE})")
    long every;

    @Option(names = "--max-age", defaultValue = "0", description = "Cull servers older than this even if active; 0 = off")
    long maxAge;

    @Option(names = "--cull-users", negatable = true, arity = "0..1", fallbackValue = "true", defaultValue = "false",
            description = "Also delete users with no server, idle longer than --timeout")
    boolean cullUsers;

    @Option(names = "--cull-admin-users", negatable = true, arity = "0..1", fallbackValue = "true", defaultValue = "true",
            description = "Cull admins' servers too (default: ${DEFAULT-VALUE}); --cull-admin-users=false exempts them")
    boolean cullAdminUsers;

    @Option(names = "--remove-named-servers", negatable = true, arity = "0..1", fallbackValue = "true", defaultValue = "false",
            description = "Delete culled named servers instead of only stopping them")
    boolean removeNamedServers;

    @Option(names = "--concurrency", defaultValue = "10", description = "Most requests in flight (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--policy", defaultValue = "activity", description = "activity (default) or traffic")
    String policy;

    @Option(names = "--profile-timeout", paramLabel = "SLUG=SECONDS",
            description = "Idle timeout for servers of one profile (repeatable); wins over --timeout")
    Map<String, Long> profileTimeouts = new LinkedHashMap<>();

    @Option(names = "--exempt", paramLabel = "USER[/SERVER]", description = "Never cull this user or server (repeatable)")
    List<String> exempt = List.of();

    @Option(names = "--api-page-size", defaultValue = "0", description = "Users per page, 0 = the hub's default")
    int pageSize;

    @Option(names = "--request-timeout", description = "Seconds per HTTP request (default: env JUPYTERHUB_REQUEST_TIMEOUT or 60)")
    Long requestTimeout;

    @Option(names = "--once", description = "Run one round and exit (exit code 1 if anything failed)")
    boolean once;

    private final Map<String, String> env;

    public CullerCommand() {
        this(System.getenv());
    }

    /** @param env the environment to read {@code JUPYTERHUB_*} from (tests pass their own) */
    public CullerCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String token = env.get("JUPYTERHUB_API_TOKEN");
        String api = url != null ? url : env.get("JUPYTERHUB_API_URL");
        if (token == null || token.isBlank()) {
            err.println("culler: env JUPYTERHUB_API_TOKEN must hold the culler service's API token");
            return 2;
        }
        if (api == null || api.isBlank()) {
            err.println("culler: give --url or set env JUPYTERHUB_API_URL");
            return 2;
        }
        CullerConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            err.println("culler: " + e.getMessage());
            return 2;
        }
        URI apiUrl = URI.create(api);
        URI servers = serverUrl != null ? serverUrl : URI.create(apiUrl.getScheme() + "://" + apiUrl.getRawAuthority() + "/");
        Duration perRequest = Duration.ofSeconds(requestTimeout != null ? requestTimeout
                : Long.parseLong(env.getOrDefault("JUPYTERHUB_REQUEST_TIMEOUT", "60")));
        return run(config, apiUrl, servers, token, perRequest);
    }

    private int run(CullerConfig config, URI apiUrl, URI servers, String token, Duration perRequest) throws Exception {
        // No class-path files to resolve: resolving them makes a cache folder in /tmp that a killed culler leaves.
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false)));
        RestApiCullTarget target = new RestApiCullTarget(vertx, apiUrl, token, servers, perRequest, pageSize);
        Culler culler = Culler.builder(vertx, target).config(config)
                .stateReader(ServerStateReader.http(vertx, perRequest)).build();
        try {
            if (once) {
                log.info("Culling once against {}: {}", apiUrl, config.describe());
                CullReport report = culler.runOnce().toCompletionStage().toCompletableFuture().get();
                return report.failures().isEmpty() ? 0 : 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                culler.close();
                stopped.countDown();
            }, "culler-shutdown"));
            culler.start();
            stopped.await();
            return 0;
        } finally {
            culler.close();
            target.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    CullerConfig config() {
        Map<String, Duration> perProfile = new LinkedHashMap<>();
        profileTimeouts.forEach((slug, seconds) -> perProfile.put(slug, Duration.ofSeconds(seconds)));
        return new CullerConfig(Duration.ofSeconds(timeout), Duration.ofSeconds(every), Duration.ofSeconds(maxAge),
                cullUsers, cullAdminUsers, removeNamedServers, concurrency, policy, perProfile,
                new LinkedHashSet<>(exempt));
    }
}
