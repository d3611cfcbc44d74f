package io.notebookhub.hub.servers;

import io.notebookhub.hub.auth.Scopes;
import io.notebookhub.hub.auth.TokenHashing;
import io.notebookhub.hub.auth.Tokens;
import io.notebookhub.hub.paths.UrlPaths;
import io.notebookhub.hub.refusals.Conflict;
import io.notebookhub.hub.refusals.InvalidRequest;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.OAuthClientRecord;
import io.notebookhub.hub.store.ServerAddress;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.hub.store.UserRecord;
import io.notebookhub.profiles.Profile;
import io.notebookhub.profiles.ProfileCatalog;
import io.notebookhub.profiles.ProfileChoiceException;
import io.notebookhub.profiles.ProfileOverrides;
import io.notebookhub.profiles.ResolvedProfile;
import io.notebookhub.proxy.RouteStore;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnFailedException;
import io.notebookhub.spawner.SpawnRequest;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.Spawner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Starts and stops servers: reserve (profile resolved, seat taken, intent recorded), issue the server's token and
 * OAuth client, launch, route, record. Every state change is written to the store before it is acted on, so a hub
 * restart can resume; the store is only touched on worker threads. Requests it turns down fail with a
 * {@link io.notebookhub.hub.refusals.Refusal}, which the HTTP layer maps to a status.
 */
public final class ServerManager {
    private static final Logger log = LoggerFactory.getLogger(ServerManager.class);

    private final Vertx vertx;
    private final HubStore store;
    private final Tokens tokens;
    private final Spawner spawner;
    private final RouteStore routes;
    private final ProfileCatalog profiles;
    private final ProfileOverrides globalOverrides;
    private final String hubApiUrl;
    private final String publicUrl;
    private final Duration defaultStartTimeout;
    private final Clock clock;
    private final SpawnProgressBus progress = new SpawnProgressBus();
    private final Set<ServerId> busy = ConcurrentHashMap.newKeySet();
    private final Object capacity = new Object();
    private final ServerEvents events;
    private final SpawnEnvironmentHook environmentHook;

    /** Callbacks for metrics; all optional. */
    public interface ServerEvents {
        default void spawned(ResolvedProfile profile, Duration took) {
        }

        /** A spawn that found no node with room and waited (for a preemption or a new node) this long. */
        default void waitedForNode(ResolvedProfile profile, Duration waited) {
        }

        default void spawnFailed(String profile, String reason) {
        }

        default void stopped(ServerRecord server, String reason) {
        }
    }

    /** What a spawn needs to know besides its collaborators. */
    public record Settings(ProfileCatalog profiles, ProfileOverrides profileDefaults, String hubApiUrl,
                           String publicUrl, Duration defaultStartTimeout, Clock clock) {
    }

    public ServerManager(Vertx vertx, HubStore store, Tokens tokens, Spawner spawner, RouteStore routes,
                         Settings settings, ServerEvents events, SpawnEnvironmentHook environmentHook) {
        this.environmentHook = environmentHook;
        this.vertx = vertx;
        this.store = store;
        this.tokens = tokens;
        this.spawner = spawner;
        this.routes = routes;
        this.profiles = settings.profiles();
        this.globalOverrides = settings.profileDefaults();
        this.hubApiUrl = settings.hubApiUrl();
        this.publicUrl = settings.publicUrl();
        this.defaultStartTimeout = settings.defaultStartTimeout();
        this.clock = settings.clock();
        this.events = events;
        spawner.onUnexpectedExit((id, reason) -> markGone(id, reason));
    }

    public SpawnProgressBus progress() {
        return progress;
    }

    public Spawner spawner() {
        return spawner;
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    /**
     * Starts a server, in named steps: {@link #reserve} (checked, recorded and given its credentials before anything
     * is launched; answered once that is synced to disk), then on its own {@link Spawn#ready()}: {@link #launch} (the
     * spawner returns once the server answers), {@link #onceSynced}, {@link #route}, {@link #record}. The returned
     * future fails with an {@link InvalidRequest} (a bad name, profile or option choice; a server already running) or
     * a {@link Conflict} (already starting or stopping, the profile full) and nothing is left behind; once reserved, a
     * failure of any later step stops what was started, revokes the credentials and records the server as stopped with
     * the reason.
     *
     * @param options JupyterHub's user options: {@code profile} and the profile's option choices
     */
    public Future<Spawn> start(UserRecord user, String serverName, Map<String, String> options) {
        // Every way to start a server (REST API, spawn form, admin page) comes through here: one rule for names.
        var badName = io.notebookhub.hub.users.UserNames.serverNameProblem(serverName);
        if (badName.isPresent()) {
            return Future.failedFuture(new InvalidRequest("Invalid server name '" + serverName + "': "
                    + badName.get()));
        }
        ServerId id = new ServerId(user.name(), serverName);
        if (!busy.add(id)) {
            return Future.failedFuture(new Conflict("server " + id + " is already starting or stopping"));
        }
        return blocking(() -> reserve(id, user, options))
                .onFailure(e -> busy.remove(id))
                .compose(reservation -> {
                    // The reservation is committed, so a killed hub finds it; the launch need not wait for its disk
                    // sync, which only a power cut needs (and then the server is gone too, or, a pod, is stopped by
                    // the reconcile as one no record accounts for). Nothing is answered before the sync.
                    Future<Void> synced = blocking(() -> {
                        store.syncCommitted();
                        return null;
                    });
                    Future<ServerRecord> ready = spawn(reservation, synced);
                    return synced.map(v -> new Spawn(reservation.record(), ready));
                });
    }

    /** A server reserved and recorded as starting; {@code ready} completes once it is routed (or fails). */
    public record Spawn(ServerRecord reserved, Future<ServerRecord> ready) {
    }

    /** A server recorded as starting, with the environment that hands it its credentials. */
    private record Reservation(ServerId id, ServerRecord record, ResolvedProfile profile, Map<String, String> hubEnv) {
    }

    /**
     * Check and record intent before anything is launched: the server is recorded as starting, holding a seat of its
     * profile, with the spawner's intent (the marker or pod name by which a restart finds what the launch leaves
     * behind, even if the hub dies a moment after it), and its credentials are issued; all of it committed, its one
     * disk sync left to the caller.
     */
    private Reservation reserve(ServerId id, UserRecord user, Map<String, String> options) {
        if (store.server(id.user(), id.serverName()).map(ServerRecord::active).orElse(false)) {
            throw new InvalidRequest("server " + id + " is already running");
        }
        ResolvedProfile resolved = resolve(user, options);
        Map<String, String> saved = new LinkedHashMap<>(options);
        saved.put("profile", resolved.slug());
        ServerRecord starting = new ServerRecord(id.user(), id.serverName(), ServerRecord.STARTING, resolved.slug(),
                saved, null, spawner.intent(id), clock.instant(), clock.instant(), null);
        // Count and record as one step: two users' requests run on different workers, and each would
        // otherwise see the last seat free and take it.
        synchronized (capacity) {
            checkCapacity(resolved);
            return store.committedWithoutSync(() -> {
                store.saveServer(starting);
                try {
                    return new Reservation(id, starting, resolved, issueCredentials(id));
                } catch (RuntimeException e) {
                    recordFailure(id, starting, e);
                    throw e;
                }
            });
        }
    }

    private ResolvedProfile resolve(UserRecord user, Map<String, String> options) {
        String slug = options.getOrDefault("profile", "");
        Profile profile = slug.isEmpty() ? profiles.defaultProfile()
                : profiles.find(slug).orElseThrow(() -> new InvalidRequest("no profile '" + slug + "'"));
        if (!profile.allows(user.name(), user.groups())) {
            throw new InvalidRequest("user " + user.name() + " may not use profile '" + profile.slug() + "'");
        }
        Map<String, String> choices = new HashMap<>(options);
        choices.remove("profile");
        try {
            return profiles.resolve(globalOverrides, profile.slug(), choices);
        } catch (ProfileChoiceException e) {
            throw new InvalidRequest(e.getMessage());
        }
    }

    private void checkCapacity(ResolvedProfile resolved) {
        Integer max = resolved.maxServers();
        if (max == null) {
            return;
        }
        long running = store.activeServers().stream().filter(s -> resolved.slug().equals(s.profile())).count();
        if (running >= max) {
            throw new Conflict("profile '" + resolved.displayName() + "' is at capacity: all " + max
                    + " of its servers are in use; try again later or choose another profile");
        }
    }

    /** @param synced the reservation's disk sync: the server is routed only after it */
    private Future<ServerRecord> spawn(Reservation r, Future<Void> synced) {
        ServerId id = r.id();
        progress.begin(id);
        publish(id, 0, "Server requested (profile " + r.profile().displayName() + ")");
        long startedAt = System.nanoTime();
        return launch(r, r.hubEnv())
                .compose(spawned -> onceSynced(id, spawned, synced))
                .compose(spawned -> route(id, spawned))
                .compose(spawned -> record(r, spawned))
                .recover(e -> failed(r, e))
                .onComplete(ar -> busy.remove(id))
                .onSuccess(s -> {
                    events.spawned(r.profile(), Duration.ofNanos(System.nanoTime() - startedAt));
                    progress.publish(id, new JsonObject().put("progress", 100).put("ready", true)
                            .put("message", "Server ready at " + UrlPaths.serverPrefix(id.user(), id.serverName()))
                            .put("url", UrlPaths.serverPrefix(id.user(), id.serverName())));
                })
                .onFailure(e -> {
                    events.spawnFailed(r.profile().slug(), e.getMessage());
                    progress.publish(id, new JsonObject().put("progress", 100).put("failed", true)
                            .put("message", "Spawn failed: " + e.getMessage()));
                });
    }

    /** The server's own API token and OAuth client, and the environment that hands them over. */
    private Map<String, String> issueCredentials(ServerId id) {
        try (var ignored = mdc(id)) {
            Tokens.Issued token = tokens.issue(id.user(), "server", id.serverName(), null,
                    Scopes.serverRole(id.user(), id.serverName()), "server token", null);
            String clientId = UrlPaths.clientId(id.user(), id.serverName());
            store.saveOAuthClient(new OAuthClientRecord(clientId, id.user(), id.serverName(),
                    UrlPaths.serverPrefix(id.user(), id.serverName()) + "oauth_callback",
                    TokenHashing.hash(token.token())));
            return ServerEnvironment.of(id.user(), id.serverName(), token.token(), hubApiUrl, publicUrl);
        }
    }

    /** Starts the server through the spawner, which returns once the server answers (or its start timeout). */
    private Future<SpawnedServer> launch(Reservation r, Map<String, String> hubEnv) {
        ServerId id = r.id();
        Duration timeout = r.profile().startTimeout() != null ? r.profile().startTimeout() : defaultStartTimeout;
        return environmentHook.environment(id.user()).compose(extra -> {
            Map<String, String> all = new LinkedHashMap<>(extra);
            all.putAll(hubEnv);
            SpawnRequest request = new SpawnRequest(id, all, r.profile(), timeout, r.record().spawnerState());
            return spawner.start(request, p -> publish(id, p.progress(), p.message()))
                    .onSuccess(spawned -> {
                        if (!spawned.waitedForNode().isZero()) {
                            events.waitedForNode(r.profile(), spawned.waitedForNode());
                        }
                    });
        });
    }

    /** Waits for the reservation's disk sync; if it failed, stops the launched server, which no record may keep. */
    private Future<SpawnedServer> onceSynced(ServerId id, SpawnedServer spawned, Future<Void> synced) {
        return synced.transform(sync -> sync.succeeded() ? Future.succeededFuture(spawned)
                : spawner.stop(id, spawned.state()).transform(x -> Future.failedFuture(new SpawnFailedException(
                        "the hub could not write the start to disk: " + reasonOf(sync.cause()), sync.cause()))));
    }

    /** Routes the server; a route the proxy refuses stops the server, which nobody could reach. */
    private Future<SpawnedServer> route(ServerId id, SpawnedServer spawned) {
        return addRoute(id, spawned)
                .recover(e -> spawner.stop(id, spawned.state()).transform(x -> Future.failedFuture(
                        new SpawnFailedException("the proxy did not accept the route: " + e.getMessage(), e))))
                .map(spawned);
    }

    private Future<ServerRecord> record(Reservation r, SpawnedServer spawned) {
        return blocking(() -> {
            ServerRecord running = r.record().running(spawned.url(), spawned.state(), clock.instant());
            // The start is on disk since its reservation; after a power cut the reconcile finds the server again
            // from that, so this step need not wait for a disk sync of its own.
            store.committedWithoutSync(() -> {
                store.saveServer(running);
                return null;
            });
            log.info("server {} is running at {} (profile {})", r.id(), spawned.url(), r.profile().slug());
            return running;
        });
    }

    /** After a failed step: the server is recorded as stopped with the reason and its credentials revoked. */
    private Future<ServerRecord> failed(Reservation r, Throwable e) {
        return blocking(() -> {
            recordFailure(r.id(), r.record(), e);
            return null;
        }).compose(v -> Future.failedFuture(e instanceof SpawnFailedException ? e
                : new SpawnFailedException(reasonOf(e), e)));
    }

    private void recordFailure(ServerId id, ServerRecord starting, Throwable e) {
        log.warn("spawn of {} failed: {}", id, reasonOf(e));
        store.saveServer(starting.stopped(reasonOf(e)));
        tokens.revokeServerTokens(id.user(), id.serverName());
    }

    private static String reasonOf(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private Future<Void> addRoute(ServerId id, SpawnedServer spawned) {
        return route(routes, id, spawned.url());
    }

    private static Future<Void> route(RouteStore routes, ServerId id, String url) {
        Map<String, Object> data = Map.of("user", id.user(), "server_name", id.serverName(), "jupyterhub", true);
        return routes.add(UrlPaths.routeSpec(id.user(), id.serverName()), url, data);
    }

    /**
     * After a restart, before the store is read: routes the servers found running that proved whose they are
     * (the local spawner's {@code LocalLookAhead#vouched}, by their URL), so that users' traffic comes back with the proxy.
     * {@link #reconcileAfterRestart} then removes any such route the records do not want. Completes with how many.
     */
    public static Future<Integer> routeVouched(Map<ServerId, String> vouched, RouteStore routes) {
        List<Future<Void>> added = new ArrayList<>();
        vouched.forEach((id, url) -> added.add(route(routes, id, url)));
        return Future.all(added).map(v -> vouched.size());
    }

    private void publish(ServerId id, int percent, String message) {
        progress.publish(id, new JsonObject().put("progress", percent).put("message", message));
    }

    /**
     * After a user is deleted: removes their home when the spawner is configured to (Kubernetes'
     * {@code delete_pvc_on_user_delete}). A failure is logged, not raised: the user is already gone and a kept home
     * loses nothing.
     */
    public Future<Void> userDeleted(String user) {
        return spawner.deleteHome(user).recover(err -> {
            log.warn("The home of deleted user {} could not be removed: {}", user, err.getMessage());
            return Future.succeededFuture();
        });
    }

    /**
     * Stops a server; the future completes when it is gone. The home folder or volume stays. May be called
     * from any thread: the store is read and written on workers.
     */
    public Future<Void> stop(String user, String serverName, String reason) {
        ServerId id = new ServerId(user, serverName);
        return blocking(() -> store.server(user, serverName).orElse(null)).compose(current -> {
            if (current == null || !current.active()) {
                return Future.succeededFuture();
            }
            if (!busy.add(id)) {
                return Future.failedFuture(new Conflict("server " + id + " is already starting or stopping"));
            }
            return blocking(() -> {
                store.saveServer(current.withStatus(ServerRecord.STOPPING));
                return null;
            }).compose(v -> routes.remove(UrlPaths.routeSpec(user, serverName))
                    .recover(e -> {
                        log.warn("could not remove the route of {}: {}", id, e.getMessage());
                        return Future.succeededFuture();
                    }))
                    .compose(v -> spawner.stop(id, current.spawnerState()))
                    .compose(v -> blocking(() -> {
                        store.saveServer(current.stopped(reason));
                        tokens.revokeServerTokens(user, serverName);
                        log.info("server {} stopped: {}", id, reason);
                        events.stopped(current, reason);
                        return (Void) null;
                    }))
                    .onComplete(ar -> busy.remove(id));
        });
    }

    /** A server died without being asked: record why, drop its route and tokens. */
    void markGone(ServerId id, String reason) {
        blocking(() -> {
            ServerRecord current = store.server(id.user(), id.serverName()).orElse(null);
            if (current == null || !ServerRecord.RUNNING.equals(current.status()) || busy.contains(id)) {
                return null;
            }
            store.saveServer(current.stopped(reason));
            tokens.revokeServerTokens(id.user(), id.serverName());
            events.stopped(current, reason);
            log.warn("server {} is gone: {}", id, reason);
            return null;
        }).compose(v -> routes.remove(UrlPaths.routeSpec(id.user(), id.serverName())));
    }

    /**
     * After a hub restart, graceful or a crash: adopts what runs, finishes interrupted starts and stops, records
     * the rest as stopped (see {@link AfterRestart}), then puts the proxy's routes in step.
     */
    public Future<Integer> reconcileAfterRestart() {
        return new AfterRestart(vertx, store, tokens, spawner, busy, this::addRoute, events, clock)
                .reconcile(defaultStartTimeout)
                .compose(n -> syncRoutes().map(n))
                .onSuccess(n -> log.info("after restart: {} servers running", n));
    }

    /** Adds missing routes and removes routes of servers that are not running. */
    public Future<Void> syncRoutes() {
        return routes.list().compose(current -> blocking(store::runningServerAddresses).compose(running -> {
            Map<String, ServerAddress> wanted = new HashMap<>();
            running.forEach(s -> wanted.put(UrlPaths.routeSpec(s.user(), s.name()), s));
            Future<Void> chain = Future.succeededFuture();
            for (var entry : wanted.entrySet()) {
                var route = current.get(entry.getKey());
                ServerAddress s = entry.getValue();
                if (route == null || !route.target().equals(s.url())) {
                    log.info("route sync: adding {} -> {}", entry.getKey(), s.url());
                    chain = chain.compose(v -> route(routes, new ServerId(s.user(), s.name()), s.url()));
                }
            }
            for (var route : current.values()) {
                boolean ours = Boolean.TRUE.equals(route.data().get("jupyterhub"));
                if (ours && route.prefix().startsWith("/user/") && !wanted.containsKey(route.prefix())) {
                    log.info("route sync: removing stale {}", route.prefix());
                    chain = chain.compose(v -> routes.remove(route.prefix()));
                }
            }
            return chain;
        }));
    }

    /** True when the server runs, so a request that reached the hub instead means the route is missing. */
    public Future<Boolean> ensureRouted(String user, String serverName) {
        return blocking(() -> store.server(user, serverName)).compose(s -> {
            if (s.isEmpty() || !ServerRecord.RUNNING.equals(s.get().status())) {
                return Future.succeededFuture(false);
            }
            return addRoute(new ServerId(user, serverName), new SpawnedServer(s.get().url(), s.get().spawnerState()))
                    .map(true);
        });
    }

    /** The proxy could not reach a server: if the spawner agrees it is gone, record that. */
    public void targetUnreachable(String user, String serverName) {
        ServerId id = new ServerId(user, serverName);
        blocking(() -> store.server(user, serverName)).onSuccess(s -> {
            if (s.isPresent() && ServerRecord.RUNNING.equals(s.get().status())) {
                spawner.status(id, s.get().spawnerState()).onSuccess(status -> {
                    if (status.isEmpty()) {
                        markGone(id, "the server stopped answering and is no longer running");
                    }
                });
            }
        });
    }

    private static AutoCloseable0 mdc(ServerId id) {
        MDC.put("user", id.user());
        MDC.put("server", id.serverName());
        return () -> {
            MDC.remove("user");
            MDC.remove("server");
        };
    }

    private interface AutoCloseable0 extends AutoCloseable {
        @Override
        void close();
    }
}
