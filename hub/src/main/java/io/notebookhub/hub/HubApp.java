package io.notebookhub.hub;

import io.notebookhub.culler.CullListener;
import io.notebookhub.culler.CullReport;
import io.notebookhub.culler.Culler;
import io.notebookhub.culler.CullerConfig;
import io.notebookhub.hub.api.ActivityHandler;
import io.notebookhub.hub.api.GroupsHandler;
import io.notebookhub.hub.api.ProxyHandler;
import io.notebookhub.hub.api.ProxyRoutes;
import io.notebookhub.hub.api.InfoHandler;
import io.notebookhub.hub.api.ProfilesHandler;
import io.notebookhub.hub.api.ServersHandler;
import io.notebookhub.hub.api.SessionsHandler;
import io.notebookhub.hub.api.ShareCodesHandler;
import io.notebookhub.hub.api.SharesHandler;
import io.notebookhub.hub.api.TokensHandler;
import io.notebookhub.hub.api.ServicesHandler;
import io.notebookhub.hub.api.ShutdownHandler;
import io.notebookhub.hub.api.StoreHandler;
import io.notebookhub.hub.api.UsersHandler;
import io.notebookhub.hub.auth.Authenticator;
import io.notebookhub.hub.auth.DevAuthenticator;
import io.notebookhub.hub.auth.Identities;
import io.notebookhub.hub.auth.SessionCookies;
import io.notebookhub.hub.auth.TokenHashing;
import io.notebookhub.hub.auth.Tokens;
import io.notebookhub.hub.auth.oidc.OidcAuthenticator;
import io.notebookhub.hub.config.ConfigException;
import io.notebookhub.hub.config.HubConfig;
import io.notebookhub.hub.culling.HubCullTarget;
import io.notebookhub.hub.health.HubHealth;
import io.notebookhub.hub.health.StoreWriteProbe;
import io.notebookhub.hub.http.ErrorHandling;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.http.SecurityHeaders;
import io.notebookhub.hub.oauth.OAuthProvider;
import io.notebookhub.hub.servers.ServerManager;
import io.notebookhub.hub.servers.SpawnEnvironmentHook;
import io.notebookhub.hub.services.ServiceProcesses;
import io.notebookhub.hub.services.Services;
import io.notebookhub.hub.store.DataFolder;
import io.notebookhub.hub.store.H2HubStore;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.users.Users;
import io.notebookhub.hub.web.AdminPage;
import io.notebookhub.hub.web.HomePage;
import io.notebookhub.hub.web.LoginFlow;
import io.notebookhub.hub.web.AcceptSharePage;
import io.notebookhub.hub.web.LogoHandler;
import io.notebookhub.hub.web.ProfilesEditorPage;
import io.notebookhub.hub.web.SpawnPages;
import io.notebookhub.hub.web.UserRedirects;
import io.notebookhub.profiles.ProfileDirectory;
import io.notebookhub.proxy.HttpServers;
import io.notebookhub.proxy.ProxyOptions;
import io.notebookhub.proxy.ProxyServer;
import io.notebookhub.spawner.Spawner;
import io.notebookhub.spawner.kubernetes.KubernetesSpawner;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;
import io.notebookhub.spawner.local.LocalProcessSpawner;
import io.notebookhub.spawner.local.LocalSpawnerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the hub by hand from its configuration: store, profiles, spawner, proxy, HTTP routes. Closes in
 * reverse order. Closing never stops users' servers: a hub restart must not cost anyone their work.
 */
public final class HubApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HubApp.class);

    private final HubConfig config;
    private final Vertx vertx;
    /** Pushed from the event loop and from the worker that opens the store, which run side by side. */
    private final Deque<AutoCloseable> closeables = new ConcurrentLinkedDeque<>();
    private HttpServer httpServer;
    private ProxyServer proxy;
    private ServerManager servers;
    private HubStore store;
    private HubMetrics metrics;
    private final HubHealth health = new HubHealth();
    private StoreWriteProbe storeProbe;
    private long storeProbeTimer = -1;
    private long routeCheckTimer = -1;

    private HubApp(HubConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
    }

    /** Starts everything; the future fails (having closed what it opened) if any part cannot start. */
    public static Future<HubApp> start(HubConfig config) {
        Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
        HubApp app = new HubApp(config, vertx);
        // The store and the proxy open side by side: neither needs the other, and each is a good part of a
        // restart's time.
        Future<Void> state = vertx.executeBlocking(() -> {
            app.openState();
            return null;
        });
        Future<ProxyRoutes> proxy = app.startProxy();
        return Future.all(state, proxy)
                .compose(v -> app.buildHub(proxy.result()))
                .compose(v -> app.startHttp())
                .compose(v -> app.servers.reconcileAfterRestart())
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

    private void openState() throws IOException {
        boolean otherAccounts = "local".equals(config.spawner().type()) && localConfig().serversRunAsOtherAccounts();
        DataFolder.secure(config.hub().dataDir(), otherAccounts);
        store = config.db().embedded() ? H2HubStore.open(config.hub().dataDir())
                : H2HubStore.openPostgres(config.db().url(), dbPassword(config.db()));
        // The database files may have been created just now, with the process's umask.
        DataFolder.tighten(config.hub().dataDir(), otherAccounts);
        closeables.push(store);
        metrics = new HubMetrics();
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
        ProxyOptions.Builder builder = ProxyOptions.builder()
                .ip(config.proxy().ip()).port(config.proxy().port())
                .apiIp(config.proxy().apiIp()).apiPort(config.proxy().apiPort())
                .defaultTarget(hubUrl).errorTarget(hubUrl + "/hub/error").authToken(token)
                .timeoutMillis(config.proxy().timeouts().idle().toMillis())
                .headersTimeoutMillis(config.proxy().timeouts().headers().toMillis())
                .requestTimeoutMillis(config.proxy().timeouts().request().toMillis())
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

    private Future<Void> buildHub(ProxyRoutes routes) {
        return vertx.executeBlocking(() -> {
            Clock clock = Clock.systemUTC();
            byte[] cookieSecret = HexFormat.of().parseHex(config.hub().cookieSecret().isEmpty()
                    ? store.secret("cookie_secret", TokenHashing::newToken) : config.hub().cookieSecret());
            SessionCookies sessions = new SessionCookies(cookieSecret, config.hub().cookieMaxAge());
            Users users = new Users(store, clock, Set.copyOf(config.hub().adminUsers()));
            services = new Services(config.services());
            Identities identities = new Identities(store, users, clock, config.adminToken(), config.services().roles(),
                    services);
            serviceProcesses = new ServiceProcesses(services, config.hubConnectUrl() + "/hub/api",
                    config.hub().publicUrl(), config.hub().dataDir().resolve("services"));
            closeables.push(serviceProcesses);
            this.routes = routes;
            Tokens tokens = new Tokens(store, identities, clock);

            ProfileDirectory profiles = ProfileDirectory.openOrDefaults(config.hub().profilesDir()).start();
            closeables.push(profiles);
            profiles.onReload(outcome -> {
                if (!outcome.applied()) {
                    metrics.profileReloadRefused();
                }
            });

            Spawner spawner = createSpawner();
            closeables.push(spawner);
            if (spawner instanceof KubernetesSpawner kubernetes) {
                kubernetes.start().toCompletionStage().toCompletableFuture().get();
            }
            health.add(spawner::problem);
            Authenticator authenticator = createAuthenticator(cookieSecret, users, clock);
            SpawnEnvironmentHook spawnHook = authenticator instanceof OidcAuthenticator oidc ? oidc.spawnHook()
                    : SpawnEnvironmentHook.NONE;
            servers = new ServerManager(vertx, store, tokens, spawner, routes, profiles, config.spawner().profileDefaults(),
                    config.hubConnectUrl() + "/hub/api", config.hub().publicUrl(), config.spawner().startTimeout(),
                    clock, metrics, spawnHook);
            if (proxy != null) {
                proxy.onUpstreamFailure(route -> {
                    Object user = route.data().get("user");
                    if (user instanceof String name) {
                        Object server = route.data().get("server_name");
                        servers.targetUnreachable(name, server instanceof String s ? s : "");
                    }
                });
            }

            if (config.culler().enabled()) {
                startCuller(new HubCullTarget(vertx, store, users, servers, routes, profiles, tokens));
            }

            RequestAuth auth = new RequestAuth(identities, sessions);
            Router router = Router.router(vertx);
            router.route().handler(new SecurityHeaders(config.hub().headers()));
            // Only requests that carry a body: a GET that kept a form Content-Type across a redirect (as Java's
            // HTTP client does) must not be parsed as a form.
            BodyHandler bodies = BodyHandler.create().setBodyLimit(1024 * 1024).setHandleFileUploads(false);
            for (HttpMethod method : List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE)) {
                router.route().method(method).handler(bodies);
            }
            router.route().handler(auth);
            metrics.mount(router, config.hub().authenticatePrometheus());
            new InfoHandler(users, store, spawner.id(), health).withServices(services).mount(router);
            new ServicesHandler(services, serviceProcesses).mount(router);
            new ShutdownHandler(new ApiShutdown(vertx, store, servers)).mount(router);
            new StoreHandler(store, config.hub().dataDir(), config.db().embedded()).mount(router);
            new UsersHandler(users, store, servers, authenticator).mount(router);
            new ServersHandler(users, store, servers).mount(router);
            new TokensHandler(users, store, tokens).mount(router);
            new SessionsHandler(users, identities).mount(router);
            new ActivityHandler(users, store, clock).mount(router);
            new ProfilesHandler(profiles, store, clock).mount(router);
            new GroupsHandler(users, store).mount(router);
            new SharesHandler(users, store, config.hub().publicUrl(), clock).mount(router);
            new ShareCodesHandler(users, store, config.hub().publicUrl(), clock).mount(router);
            new AcceptSharePage(store, auth, clock).mount(router);
            new ProxyHandler(routes, servers).mount(router);
            new AdminPage(store, auth).mount(router);
            new OAuthProvider(store, users, tokens, config.hub().cookieMaxAge(), services, auth).mount(router);
            new LoginFlow(users, auth, sessions, authenticator, metrics::login,
                    authenticator instanceof OidcAuthenticator oidc ? oidc.sessionAuthState() : null).mount(router);
            new HomePage(store, auth, services).mount(router);
            new SpawnPages(users, store, servers, profiles, auth).mount(router);
            new ProfilesEditorPage(profiles, auth).mount(router);
            new UserRedirects(store, servers).mount(router);
            LogoHandler.of(config.hub().logoFile()).mount(router);
            router.route("/hub/api/*").last().handler(ctx -> ctx.fail(404));
            router.route().last().handler(ctx -> ctx.fail(404));
            router.route().failureHandler(ErrorHandling::handle);
            this.router = router;
            return null;
        });
    }

    private Router router;
    private Services services;
    private ServiceProcesses serviceProcesses;
    private ProxyRoutes routes;


    private void startCuller(HubCullTarget target) {
        HubConfig.Culler c = config.culler();
        CullerConfig cullerConfig = new CullerConfig(c.timeout(), c.every(), c.maxAge(), c.cullUsers(),
                c.cullAdminUsers(), c.removeNamedServers(), c.concurrency(), c.policy(), Map.of(), Set.copyOf(c.exempt()));
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

    private Spawner createSpawner() {
        if ("kubernetes".equals(config.spawner().type())) {
            return KubernetesSpawner.create(vertx, kubernetesConfig(config.spawner().kubernetes()));
        }
        LocalSpawnerConfig local = localConfig();
        if (!config.auth().dev() && "root".equals(System.getProperty("user.name")) && !local.serversRunAsOtherAccounts()) {
            // A kernel running as root reads the hub's environment (its admin token) and every user's files.
            throw new ConfigException("users' servers would run as root, which lets every user of a real identity "
                    + "provider (auth.type: " + config.auth().type() + ") become root and admin: set "
                    + "'spawner.local.create_system_users: true' (each user's server runs as an OS account of their "
                    + "own, created on first spawn) or 'spawner.local.run_as_user: <account>', or run the hub as a "
                    + "user other than root");
        }
        return new LocalProcessSpawner(vertx, local);
    }

    private LocalSpawnerConfig localConfig() {
        HubConfig.Local local = config.spawner().local();
        return new LocalSpawnerConfig(config.hub().dataDir().resolve("users"), local.command(), local.allowRoot(),
                local.runAsUser(), local.environment(), local.createSystemUsers(), local.systemUserPattern());
    }

    /** The {@code spawner.kubernetes.*} keys in the Kubernetes spawner's own names; empty strings mean its default. */
    public static KubernetesSpawnerConfig kubernetesConfig(Map<String, Object> keys) {
        Map<String, String> names = Map.ofEntries(Map.entry("namespace", "namespace"),
                Map.entry("kubeconfig", "kubeconfig"), Map.entry("image", "image"),
                Map.entry("image_pull_policy", "imagePullPolicy"), Map.entry("image_pull_secrets", "imagePullSecrets"),
                Map.entry("port", "port"), Map.entry("cmd", "cmd"), Map.entry("uid", "uid"),
                Map.entry("fs_group", "fsGroup"), Map.entry("home_mount_path", "homeMountPath"),
                Map.entry("storage_capacity", "storageCapacity"), Map.entry("storage_class", "storageClass"),
                Map.entry("storage_access_modes", "storageAccessModes"), Map.entry("service_account", "serviceAccount"),
                Map.entry("automount_service_account_token", "automountServiceAccountToken"),
                Map.entry("termination_grace_period", "terminationGracePeriod"),
                Map.entry("delete_pvc_on_user_delete", "deletePvcOnUserDelete"),
                Map.entry("fail_on_unschedulable", "failOnUnschedulable"),
                Map.entry("informer_sync_timeout", "informerSyncTimeout"), Map.entry("extra_labels", "extraLabels"),
                Map.entry("hub_instance", "hubInstance"),
                Map.entry("extra_annotations", "extraAnnotations"), Map.entry("storage_type", "storageType"),
                Map.entry("storage_static_pvc_name", "staticPvcName"),
                Map.entry("storage_static_sub_path", "staticSubPath"), Map.entry("user_namespaces", "userNamespaces"),
                Map.entry("user_namespace_template", "userNamespaceTemplate"),
                Map.entry("priority_class_name", "priorityClassName"), Map.entry("scheduler_name", "schedulerName"),
                Map.entry("placeholder_schedules", "placeholderSchedules"));
        Map<String, Object> block = new LinkedHashMap<>();
        keys.forEach((key, value) -> {
            if (!(value instanceof String s && s.isEmpty())) {
                block.put(names.getOrDefault(key, key), value);
            }
        });
        try {
            return KubernetesSpawnerConfig.fromMap(block);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("spawner." + e.getMessage());
        }
    }

    private Authenticator createAuthenticator(byte[] cookieSecret, Users users, Clock clock) {
        if (config.auth().dev()) {
            return new DevAuthenticator();
        }
        return OidcAuthenticator.create(vertx, config.auth(), config.hub().publicUrl(), users, store, cookieSecret,
                Set.copyOf(config.hub().adminUsers()), clock);
    }

    private Future<Void> startHttp() {
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
        routeCheckTimer = vertx.setPeriodic(every.toMillis(), id -> servers.syncRoutes()
                .compose(v -> services.syncRoutes(routes))
                .onFailure(e -> log.warn("route sync failed: {}", e.getMessage())));
        services.syncRoutes(routes).onFailure(e -> log.warn("could not route the services: {}", e.getMessage()));
        serviceProcesses.start();
        long sinceLaunch = ProcessHandle.current().info().startInstant()
                .map(t -> Duration.between(t, Instant.now()).toMillis()).orElse(-1L);
        log.info("Notebook Hub is up {} ms after launch: hub on {}:{}, public URL {}, {} server(s) adopted",
                sinceLaunch, config.hub().ip(), httpServer.actualPort(), publicUrl(), adopted);
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
