package io.notebookhub.hub;

import io.notebookhub.config.ConfigException;
import io.notebookhub.culler.CullListener;
import io.notebookhub.culler.CullReport;
import io.notebookhub.culler.Culler;
import io.notebookhub.culler.CullerConfig;
import io.notebookhub.hub.api.ActivityHandler;
import io.notebookhub.hub.api.GroupsHandler;
import io.notebookhub.hub.api.InfoHandler;
import io.notebookhub.hub.api.ProfilesHandler;
import io.notebookhub.hub.api.ProxyHandler;
import io.notebookhub.hub.api.ProxyRoutes;
import io.notebookhub.hub.api.ServersHandler;
import io.notebookhub.hub.api.ServicesHandler;
import io.notebookhub.hub.api.SessionsHandler;
import io.notebookhub.hub.api.ShareCodesHandler;
import io.notebookhub.hub.api.SharesHandler;
import io.notebookhub.hub.api.ShutdownHandler;
import io.notebookhub.hub.api.StoreHandler;
import io.notebookhub.hub.api.TokensHandler;
import io.notebookhub.hub.api.UsersHandler;
import io.notebookhub.hub.auth.Identities;
import io.notebookhub.hub.auth.SessionCookies;
import io.notebookhub.hub.auth.TokenHashing;
import io.notebookhub.hub.auth.Tokens;
import io.notebookhub.hub.config.HubConfig;
import io.notebookhub.hub.culling.HubCullTarget;
import io.notebookhub.hub.health.HubHealth;
import io.notebookhub.hub.health.StoreWriteProbe;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.http.SecurityHeaders;
import io.notebookhub.hub.login.Authenticator;
import io.notebookhub.hub.login.DevAuthenticator;
import io.notebookhub.hub.login.LoginFlow;
import io.notebookhub.hub.login.oidc.OidcAuthenticator;
import io.notebookhub.hub.oauthprovider.OAuthProvider;
import io.notebookhub.hub.servers.ServerManager;
import io.notebookhub.hub.services.ServiceProcesses;
import io.notebookhub.hub.services.Services;
import io.notebookhub.hub.store.DataFolder;
import io.notebookhub.hub.store.H2HubStore;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.users.Users;
import io.notebookhub.hub.web.AcceptSharePage;
import io.notebookhub.hub.web.AdminPage;
import io.notebookhub.hub.web.ErrorHandling;
import io.notebookhub.hub.web.HomePage;
import io.notebookhub.hub.web.LogoHandler;
import io.notebookhub.hub.web.ProfilesEditorPage;
import io.notebookhub.hub.web.SpawnPages;
import io.notebookhub.hub.web.Templates;
import io.notebookhub.hub.web.UserRedirects;
import io.notebookhub.profiles.ProfileDirectory;
import io.notebookhub.proxy.HttpServers;
import io.notebookhub.proxy.ProxyOptions;
import io.notebookhub.proxy.ProxyServer;
import io.notebookhub.proxy.ProxySettings;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.Spawner;
import io.notebookhub.spawner.kubernetes.KubernetesSpawner;
import io.notebookhub.spawner.local.LocalLookAhead;
import io.notebookhub.spawner.local.LocalProcessSpawner;
import io.notebookhub.spawner.local.LocalSpawnerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the hub by hand from its configuration, as a pipeline: open the store (beside the proxy, the spawner and the
 * profiles; servers that vouch for themselves are routed as soon as the proxy and the spawner are up) →
 * build the parts, each from what it needs ({@link Parts}) → adopt what runs, beside mounting the routes and
 * listening. Closes in reverse order.
 * Closing never stops users' servers: a hub restart must not cost anyone their work.
 */
public final class HubApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HubApp.class);

    private final HubConfig config;
    private final Vertx vertx;
    /** Pushed from the event loop and from the worker that opens the store, which run side by side. */
    private final Deque<AutoCloseable> closeables = new ConcurrentLinkedDeque<>();
    private HttpServer httpServer;
    private ProxyServer proxy;
    private Parts parts;
    private HubStore store;
    private final HubMetrics metrics;
    private final HubHealth health = new HubHealth();
    private StoreWriteProbe storeProbe;
    private long storeProbeTimer = -1;
    private long routeCheckTimer = -1;

    private HubApp(HubConfig config, Vertx vertx, HubMetrics metrics) {
        this.config = config;
        this.vertx = vertx;
        this.metrics = metrics;
    }

    /** Starts everything; the future fails (having closed what it opened) if any part cannot start. */
    public static Future<HubApp> start(HubConfig config) {
        return start(config, CompletableFuture.completedFuture(newVertx()));
    }

    /**
     * The Vert.x the hub runs on, made ahead of {@link #start(HubConfig, CompletableFuture)}, which then owns it. It
     * resolves no files from the class path: that would make a cache folder in the system's temporary folder, deleted
     * only when Vert.x closes, so every hub that was killed left one behind (the hub reads its own resources itself).
     */
    public static Vertx newVertx() {
        return Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false)));
    }

    /**
     * As {@link #start(HubConfig)}, on a Vert.x that {@link #newVertx()} is making meanwhile; closing the hub closes
     * it.
     */
    public static Future<HubApp> start(HubConfig config, CompletableFuture<Vertx> vertxStarting) {
        // The store, the proxy, the spawner and the profiles open side by side: none needs the others, and each is a
        // good part of a restart's time. The store takes longest: it opens on a thread of its own, once the data
        // folder is private. So does the local spawner's first look at what runs: it needs neither Vert.x nor the
        // store, and the servers it finds vouching for themselves are routed as soon as the proxy listens.
        CompletableFuture<LocalLookAhead> lookingAhead = new CompletableFuture<>();
        CompletableFuture<HubStore> opening = new CompletableFuture<>();
        new Thread(() -> {
            try {
                DataFolder.secure(config.hub().dataDir(), serversRunAsOtherAccounts(config));
                lookingAhead.complete("local".equals(config.spawner().type())
                        ? LocalLookAhead.begin(localConfig(config)) : null);
                opening.complete(openStore(config));
            } catch (Throwable e) {
                lookingAhead.completeExceptionally(e);
                opening.completeExceptionally(e);
            }
        }, "store-open").start();
        HubMetrics metrics = new HubMetrics();
        Vertx vertx = vertxStarting.join();
        HubApp app = new HubApp(config, vertx, metrics);
        // Taken up on the thread that opened the store: a hop to a busy event loop cost a restart tens of ms.
        Future<Void> state = Future.fromCompletionStage(opening.thenAccept(app::stateOpened));
        Future<ProxyRoutes> proxy = app.startProxy();
        Future<Spawner> spawner = Future.fromCompletionStage(lookingAhead)
                .compose(ahead -> vertx.executeBlocking(() -> app.createSpawner(ahead)))
                .compose(s -> s.open().map(s));
        // Users' traffic needs the proxy and their servers, not the store: servers that prove whose they are come
        // back as soon as both are up. The adoption below then settles them with the records.
        Future<Map<ServerId, String>> vouched = Future.fromCompletionStage(lookingAhead)
                .compose(ahead -> ahead != null ? Future.fromCompletionStage(ahead.vouched())
                        : Future.succeededFuture(Map.<ServerId, String>of()))
                .otherwise(e -> {
                    log.warn("could not look for running servers before the store opened: {}", e.getMessage());
                    return Map.of();
                });
        Future<Integer> routedEarly = Future.all(proxy, vouched)
                .compose(v -> ServerManager.routeVouched(vouched.result(), proxy.result()).otherwise(e -> {
                    log.warn("could not route running servers before the store opened: {}", e.getMessage());
                    return 0;
                }))
                .onSuccess(n -> {
                    if (n > 0) {
                        log.info("routed {} running server(s) that vouch for themselves", n);
                    }
                });
        Future<ProfileDirectory> profiles = vertx.executeBlocking(app::openProfiles);
        Future<Templates> templates = vertx.executeBlocking(app::createTemplates);
        // join, not all: a part that fails closes the hub only once the others have settled, so none is left open.
        return Future.join(state, proxy, spawner, routedEarly, profiles, templates)
                .compose(v -> vertx.executeBlocking(() -> app.buildParts(proxy.result(), spawner.result(),
                        profiles.result())))
                .map(parts -> app.parts = parts)
                .compose(parts -> {
                    // What ran before the restart is adopted and routed while the hub's own routes are mounted:
                    // users' servers need the proxy, not the hub.
                    Future<Integer> adopted = parts.servers().reconcileAfterRestart();
                    Future<Void> listening = vertx.executeBlocking(() -> app.mountRoutes(parts, templates.result()))
                            .compose(app::listen);
                    // join, not all: a failed listen closes the hub only once the adoption has settled.
                    return Future.join(adopted, listening).map(v -> adopted.result());
                })
                .map(adopted -> {
                    app.afterStart(adopted);
                    return app;
                })
                .recover(e -> Future.future(failed -> {
                    // close() waits for Vert.x to shut down, so it must not run on an event-loop thread.
                    new Thread(() -> {
                        failed.fail(e);
                        app.close();
                    }, "start-up-failure").start();
                }));
    }

    private static boolean serversRunAsOtherAccounts(HubConfig config) {
        return "local".equals(config.spawner().type()) && localConfig(config).serversRunAsOtherAccounts();
    }

    /** Opens the store in the data folder, which {@link DataFolder#secure} has made private. */
    private static HubStore openStore(HubConfig config) throws IOException {
        boolean otherAccounts = serversRunAsOtherAccounts(config);
        HubStore store = config.db().embedded() ? H2HubStore.open(config.hub().dataDir())
                : H2HubStore.openPostgres(config.db().url(), dbPassword(config.db()));
        // The database files may have been created just now, with the process's umask.
        DataFolder.tighten(config.hub().dataDir(), otherAccounts);
        return store;
    }

    private void stateOpened(HubStore opened) {
        store = opened;
        closeables.push(store);
        storeProbe = new StoreWriteProbe(store, Clock.systemUTC(), Duration.ofSeconds(10));
        health.add(storeProbe);
    }

    private static String dbPassword(HubConfig.Db db) {
        if (db.passwordFile().isEmpty()) {
            return db.password();
        }
        try {
            return Files.readString(java.nio.file.Path.of(db.passwordFile())).strip();
        } catch (IOException e) {
            throw new ConfigException("'hub.db.password_file' " + db.passwordFile() + " cannot be read: " + e);
        }
    }

    private Future<ProxyRoutes> startProxy() {
        if (!config.proxy().embedded()) {
            ProxyRoutes client = ProxyRoutes.external(vertx, config.proxy().apiUrl(), config.proxy().authToken());
            closeables.push(client::close);
            return Future.succeededFuture(client);
        }
        String hubUrl = "http://" + (config.hub().ip().equals("0.0.0.0") ? "127.0.0.1" : config.hub().ip()) + ":"
                + config.hub().port();
        String token = config.proxy().authToken().isEmpty() ? TokenHashing.newToken() : config.proxy().authToken();
        ProxyOptions.Builder builder = ProxySettings.apply(config.proxy().options())
                .defaultTarget(hubUrl).errorTarget(hubUrl + "/hub/error").authToken(token)
                .privateCookie(SessionCookies.COOKIE).privateCookie(LoginFlow.LOGIN_XSRF_COOKIE)
                .privateCookie(OidcAuthenticator.STATE_COOKIE);
        if (!config.adminToken().isEmpty()) {
            builder.privateToken(config.adminToken());
        }
        ProxyOptions options = builder.build();
        return ProxyServer.start(vertx, options).map(started -> {
            proxy = started;
            closeables.push(() -> started.close().toCompletionStage().toCompletableFuture().get());
            log.info("proxy listening on {}:{} (API on {}:{})", config.proxy().ip(), started.publicPort(),
                    config.proxy().apiIp(), started.apiPort());
            return ProxyRoutes.embedded(started.routes());
        });
    }

    /** What the routes, timers and closing are built from: each part once, in the order they need each other. */
    private record Parts(Clock clock, SessionCookies sessions, Users users, Services services,
                         ServiceProcesses serviceProcesses, Identities identities, Tokens tokens,
                         ProfileDirectory profiles, Spawner spawner, Authenticator authenticator,
                         ServerManager servers, RequestAuth auth, ProxyRoutes routes) {
    }

    /** Blocking (store reads, the spawner's informers): run on a worker once the store is open. */
    private Parts buildParts(ProxyRoutes routes, Spawner spawner, ProfileDirectory profiles) throws Exception {
        Clock clock = Clock.systemUTC();
        byte[] cookieSecret = HexFormat.of().parseHex(config.hub().cookieSecret().isEmpty()
                ? store.secret("cookie_secret", TokenHashing::newToken) : config.hub().cookieSecret());
        SessionCookies sessions = new SessionCookies(cookieSecret, config.hub().cookieMaxAge());
        Users users = new Users(store, clock, Set.copyOf(config.hub().adminUsers()));
        Services services = new Services(config.services());
        Identities identities = new Identities(store, users, clock, config.adminToken(), config.services().roles(),
                services);
        ServiceProcesses serviceProcesses = new ServiceProcesses(services, config.hubConnectUrl() + "/hub/api",
                config.hub().publicUrl(), config.hub().dataDir().resolve("services"));
        closeables.push(serviceProcesses);
        Tokens tokens = new Tokens(store, identities, clock);
        health.add(spawner::problem);
        Authenticator authenticator = createAuthenticator(cookieSecret, users, clock);
        ServerManager servers = new ServerManager(vertx, store, tokens, spawner, routes,
                new ServerManager.Settings(profiles, config.spawner().profileDefaults(),
                        config.hubConnectUrl() + "/hub/api", config.hub().publicUrl(),
                        config.spawner().startTimeout(), clock),
                metrics, authenticator.spawnHook());
        reportUnreachableTargets(servers);
        if (config.culler().enabled()) {
            startCuller(new HubCullTarget(vertx, store, users, servers, routes, profiles, tokens));
        }
        return new Parts(clock, sessions, users, services, serviceProcesses, identities, tokens, profiles, spawner,
                authenticator, servers, new RequestAuth(identities, sessions), routes);
    }

    private ProfileDirectory openProfiles() throws IOException {
        ProfileDirectory profiles = ProfileDirectory.openOrDefaults(config.hub().profilesDir()).start();
        closeables.push(profiles);
        profiles.onReload(outcome -> {
            if (!outcome.applied()) {
                metrics.profileReloadRefused();
            }
        });
        return profiles;
    }

    /** The embedded proxy tells the hub when a server stops answering, so that the hub can check it is gone. */
    private void reportUnreachableTargets(ServerManager servers) {
        if (proxy == null) {
            return;
        }
        proxy.onUpstreamFailure(route -> {
            Object user = route.data().get("user");
            if (user instanceof String name) {
                Object server = route.data().get("server_name");
                servers.targetUnreachable(name, server instanceof String s ? s : "");
            }
        });
    }

    /** The page templates: they need no other part, so they are made while the store opens. */
    private Templates createTemplates() {
        return Templates.create(vertx, config.hub().templatePaths(), config.hub().templateVars(), Clock.systemUTC());
    }

    /** Every route of the hub, in the order they must match; the failure handler last. */
    private Router mountRoutes(Parts p, Templates templates) {
        Router router = Router.router(vertx);
        router.route().handler(new SecurityHeaders(config.hub().headers()));
        templates.mount(router);
        // Only requests that carry a body: a GET that kept a form Content-Type across a redirect (as Java's
        // HTTP client does) must not be parsed as a form.
        BodyHandler bodies = BodyHandler.create().setBodyLimit(1024 * 1024).setHandleFileUploads(false);
        for (HttpMethod method : List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE)) {
            router.route().method(method).handler(bodies);
        }
        router.route().handler(p.auth());
        metrics.mount(router, config.hub().authenticatePrometheus());
        mountApi(router, p);
        mountPages(router, p);
        router.route("/hub/api/*").last().handler(ctx -> ctx.fail(404));
        router.route().last().handler(ctx -> ctx.fail(404));
        router.route().failureHandler(ErrorHandling::handle);
        return router;
    }

    private void mountApi(Router router, Parts p) {
        Clock clock = p.clock();
        new InfoHandler(p.users(), store, p.spawner().id(), health).withServices(p.services()).mount(router);
        new ServicesHandler(p.services(), p.serviceProcesses()).mount(router);
        new ShutdownHandler(new ApiShutdown(vertx, store, p.servers())).mount(router);
        new StoreHandler(store, config.hub().dataDir(), config.db().embedded()).mount(router);
        new UsersHandler(p.users(), store, p.servers(), p.authenticator()).mount(router);
        new ServersHandler(p.users(), store, p.servers()).mount(router);
        new TokensHandler(p.users(), store, p.tokens()).mount(router);
        new SessionsHandler(p.users(), p.identities()).mount(router);
        new ActivityHandler(p.users(), store, clock).mount(router);
        new ProfilesHandler(p.profiles(), store, clock).mount(router);
        new GroupsHandler(p.users(), store).mount(router);
        new SharesHandler(p.users(), store, config.hub().publicUrl(), clock).mount(router);
        new ShareCodesHandler(p.users(), store, config.hub().publicUrl(), clock).mount(router);
        new ProxyHandler(p.routes(), p.servers()).mount(router);
        new OAuthProvider(store, p.users(), p.tokens(), config.hub().cookieMaxAge(), p.services(), p.auth())
                .mount(router);
    }

    private void mountPages(Router router, Parts p) {
        new AcceptSharePage(store, p.auth(), p.clock()).mount(router);
        new AdminPage(store, p.auth()).mount(router);
        new LoginFlow(p.users(), p.auth(), p.sessions(), p.authenticator(), metrics::login).mount(router);
        new HomePage(store, p.auth(), p.services()).mount(router);
        new SpawnPages(p.users(), store, p.servers(), p.profiles(), p.auth()).mount(router);
        new ProfilesEditorPage(p.profiles(), p.auth()).mount(router);
        new UserRedirects(store, p.servers()).mount(router);
        LogoHandler.of(config.hub().logoFile()).mount(router);
    }

    private void startCuller(HubCullTarget target) {
        CullerConfig cullerConfig = config.culler().policy();
        Culler culler = Culler.builder(vertx, target).config(cullerConfig).listener(new CullListener() {
            @Override
            public void serverCulled(CullReport.CulledServer server) {
                metrics.culled(server.profile());
            }
        }).build();
        culler.start();
        closeables.push(culler);
        log.info("idle culler: {}", cullerConfig.describe());
    }

    /** Blocking (a Kubernetes client is built); the spawner is closed with the hub from here on. */
    private Spawner createSpawner(LocalLookAhead localLookAhead) {
        Spawner spawner = "kubernetes".equals(config.spawner().type())
                ? KubernetesSpawner.create(vertx, config.spawner().kubernetes()) : createLocalSpawner(localLookAhead);
        closeables.push(spawner);
        return spawner;
    }

    private Spawner createLocalSpawner(LocalLookAhead localLookAhead) {
        LocalSpawnerConfig local = localConfig();
        if (!config.auth().dev() && "root".equals(System.getProperty("user.name")) && !local.serversRunAsOtherAccounts()) {
            // A kernel running as root reads the hub's environment (its admin token) and every user's files.
            throw new ConfigException("users' servers would run as root, which lets every user of a real identity "
                    + "provider (auth.type: " + config.auth().type() + ") become root and admin: set "
                    + "'spawner.local.create_system_users: true' (each user's server runs as an OS account of their "
                    + "own, created on first spawn) or 'spawner.local.run_as_user: <account>', or run the hub as a "
                    + "user other than root");
        }
        return new LocalProcessSpawner(vertx, local, localLookAhead);
    }

    private LocalSpawnerConfig localConfig() {
        return localConfig(config);
    }

    private static LocalSpawnerConfig localConfig(HubConfig config) {
        HubConfig.Local local = config.spawner().local();
        return new LocalSpawnerConfig(config.hub().dataDir().resolve("users"), local.command(), local.allowRoot(),
                local.runAsUser(), local.environment(), local.createSystemUsers(), local.systemUserPattern());
    }

    private Authenticator createAuthenticator(byte[] cookieSecret, Users users, Clock clock) {
        if (config.auth().dev()) {
            return new DevAuthenticator();
        }
        return OidcAuthenticator.create(vertx, config.auth(), config.hub().publicUrl(), users, store, cookieSecret,
                Set.copyOf(config.hub().adminUsers()), clock);
    }

    private Future<Void> listen(Router router) {
        // JupyterHub reads API bodies as JSON whatever their Content-Type; clients (curl -d, urllib) often label
        // JSON as a form, so a form body up to the 1 MB body limit must decode rather than fail.
        HubConfig.ClientTimeouts timeouts = config.hub().timeouts();
        HttpServerOptions options = new HttpServerOptions().setHost(config.hub().ip()).setPort(config.hub().port())
                .setMaxFormAttributeSize(1024 * 1024).setMaxFormBufferedBytes(1024 * 1024)
                .setIdleTimeout((int) timeouts.idle().toSeconds());
        return HttpServers.guarded(vertx, options, timeouts.headers().toMillis(), timeouts.request().toMillis())
                .requestHandler(router)
                .listen()
                .map(server -> {
                    httpServer = server;
                    closeables.push(() -> server.close().toCompletionStage().toCompletableFuture().get());
                    return null;
                });
    }

    private void afterStart(int adopted) {
        vertx.executeBlocking(() -> {
            metrics.countRunning(store);
            return null;
        });
        storeProbeTimer = vertx.setPeriodic(storeProbe.period().toMillis(), id -> vertx.executeBlocking(() -> {
            storeProbe.probe();
            return null;
        }, false));
        Duration every = config.proxy().checkRoutesInterval();
        Parts p = parts;
        routeCheckTimer = vertx.setPeriodic(every.toMillis(), id -> p.servers().syncRoutes()
                .compose(v -> p.services().syncRoutes(p.routes()))
                .onFailure(e -> log.warn("route sync failed: {}", e.getMessage())));
        p.services().syncRoutes(p.routes()).onFailure(e -> log.warn("could not route the services: {}", e.getMessage()));
        p.serviceProcesses().start();
        log.info("Notebook Hub is up {} ms after launch: hub on {}:{}, public URL {}, {} server(s) adopted",
                millisSinceLaunch(), config.hub().ip(), httpServer.actualPort(), publicUrl(), adopted);
    }

    /**
     * Linux counts a process's start in clock ticks since boot ({@code /proc/self/stat}) and the time since boot in
     * hundredths ({@code /proc/uptime}); the JDK's start instant adds the boot time, which the kernel gives in whole
     * seconds, and was off by a quarter of a second on the build machine. Ticks are USER_HZ, 100 on Linux's common
     * architectures. Elsewhere, the JDK's figure.
     */
    static long millisSinceLaunch() {
        try {
            String stat = Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(fields[19]);
            String uptime = Files.readString(java.nio.file.Path.of("/proc/uptime"));
            double upSeconds = Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
            return Math.round(upSeconds * 1000) - startTicks * 10;
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.current().info().startInstant()
                    .map(t -> Duration.between(t, Instant.now()).toMillis()).orElse(-1L);
        }
    }

    public String publicUrl() {
        if (!config.hub().publicUrl().isEmpty()) {
            return config.hub().publicUrl();
        }
        return proxy == null ? "(external proxy)" : "http://" + config.proxy().ip() + ":" + proxy.publicPort() + "/";
    }

    public int hubPort() {
        return httpServer.actualPort();
    }

    public int proxyPort() {
        return proxy == null ? -1 : proxy.publicPort();
    }

    /** Where other components add what {@code /hub/health} must report (a watch that stopped, ...). */
    public HubHealth health() {
        return health;
    }

    public HubMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        if (routeCheckTimer >= 0) {
            vertx.cancelTimer(routeCheckTimer);
        }
        if (storeProbeTimer >= 0) {
            vertx.cancelTimer(storeProbeTimer);
        }
        while (!closeables.isEmpty()) {
            try {
                closeables.pop().close();
            } catch (Exception e) {
                log.warn("error while closing: {}", e.toString());
            }
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
        log.info("Notebook Hub stopped (users' servers keep running)");
    }
}
