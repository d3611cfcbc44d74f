package io.notebookhub.hub.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.notebookhub.hub.auth.Identities;
import io.notebookhub.hub.auth.Tokens;
import io.notebookhub.hub.store.H2HubStore;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.hub.store.UserRecord;
import io.notebookhub.hub.users.Users;
import io.notebookhub.profiles.ProfileDirectory;
import io.notebookhub.profiles.ProfileOverrides;
import io.notebookhub.proxy.Route;
import io.notebookhub.proxy.RouteStore;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnProgress;
import io.notebookhub.spawner.SpawnRequest;
import io.notebookhub.spawner.SpawnedServer;
import io.notebookhub.spawner.Spawner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A spawn's reservation is committed before the launch, and its disk sync runs beside the launch: nothing is
 * answered, routed or recorded as running before the sync is done, and a failed sync stops what was launched.
 * The store is H2 in memory behind a proxy that holds {@code syncCommitted} until the test lets it go; the spawner
 * and the route store are fakes that record what they are asked, because what is checked is the order of the steps.
 */
class ServerManagerSyncTest {
    private final Clock clock = Clock.systemUTC();
    private final CountDownLatch syncMayFinish = new CountDownLatch(1);
    private final List<String> steps = new CopyOnWriteArrayList<>();
    private volatile RuntimeException syncFailure;
    private H2HubStore h2;
    private Vertx vertx;
    private ServerManager manager;
    private UserRecord alice;

    @BeforeEach
    void start() {
        h2 = H2HubStore.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        HubStore store = holdingSyncs(h2);
        Users users = new Users(store, clock, Set.of());
        users.ensureAll(List.of("alice"), false);
        alice = users.find("alice").orElseThrow();
        Tokens tokens = new Tokens(store, new Identities(store, users, clock, "the-admin-token"), clock);
        vertx = Vertx.vertx();
        manager = new ServerManager(vertx, store, tokens, new RecordingSpawner(), new RecordingRoutes(),
                new ServerManager.Settings(ProfileDirectory.bundledDefaults(), ProfileOverrides.NONE,
                        "http://127.0.0.1:8081/hub/api", "", Duration.ofSeconds(30), clock),
                new ServerManager.ServerEvents() { }, SpawnEnvironmentHook.NONE);
    }

    @AfterEach
    void stop() throws Exception {
        syncMayFinish.countDown();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        h2.close();
    }

    @Test
    void launchesWhileTheReservationIsSyncedButAnswersAndRoutesOnlyAfterTheSync() throws Exception {
        Future<ServerManager.Spawn> spawn = manager.start(alice, "", Map.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> steps.containsAll(List.of("launch", "sync begins")));
        assertThat(steps).as("launched while the sync is held").containsExactlyInAnyOrder("sync begins", "launch");
        Thread.sleep(200);
        assertThat(spawn.isComplete()).as("the spawn answered before its reservation was on disk").isFalse();
        assertThat(steps).doesNotContain("route");
        assertThat(h2.server("alice", "")).map(ServerRecord::status).contains(ServerRecord.STARTING);

        syncMayFinish.countDown();
        ServerManager.Spawn answered = spawn.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ServerRecord running = answered.ready().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(running.status()).isEqualTo(ServerRecord.RUNNING);
        assertThat(steps.subList(2, steps.size())).containsExactly("sync ends", "route");
    }

    @Test
    void aFailedSyncStopsTheLaunchedServerAndFailsTheSpawn() {
        syncFailure = new IllegalStateException("disk full");
        Future<ServerManager.Spawn> spawn = manager.start(alice, "", Map.of());
        syncMayFinish.countDown();

        await().atMost(Duration.ofSeconds(10)).until(spawn::isComplete);
        assertThat(spawn.failed()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> steps.contains("stop"));
        assertThat(steps).doesNotContain("route");
        await().atMost(Duration.ofSeconds(10)).until(() -> h2.server("alice", "").map(ServerRecord::status)
                .filter(ServerRecord.STOPPED::equals).isPresent());
        assertThat(h2.server("alice", "").orElseThrow().stopReason()).contains("disk full");
    }

    private HubStore holdingSyncs(HubStore target) {
        return (HubStore) Proxy.newProxyInstance(HubStore.class.getClassLoader(), new Class<?>[] {HubStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("syncCommitted")) {
                        steps.add("sync begins");
                        syncMayFinish.await(10, TimeUnit.SECONDS);
                        if (syncFailure != null) {
                            throw syncFailure;
                        }
                        steps.add("sync ends");
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private final class RecordingSpawner implements Spawner {
        @Override
        public String id() {
            return "recording";
        }

        @Override
        public Map<String, Object> intent(ServerId server) {
            return Map.of("marker", "m-" + server.user());
        }

        @Override
        public Future<SpawnedServer> start(SpawnRequest request, Consumer<SpawnProgress> progress) {
            steps.add("launch");
            return Future.succeededFuture(new SpawnedServer("http://127.0.0.1:40001", Map.of("pid", 4242), null));
        }

        @Override
        public Future<Void> stop(ServerId server, Map<String, Object> state) {
            steps.add("stop");
            return Future.succeededFuture();
        }

        @Override
        public Future<Optional<SpawnedServer>> status(ServerId server, Map<String, Object> state) {
            return Future.succeededFuture(Optional.empty());
        }

        @Override
        public Future<Map<ServerId, Future<SpawnedServer>>> reconcile(Map<ServerId, Map<String, Object>> known,
                                                                      Duration startTimeout) {
            return Future.succeededFuture(Map.of());
        }

        @Override
        public void onUnexpectedExit(BiConsumer<ServerId, String> listener) {
        }

        @Override
        public Future<Void> deleteHome(String user) {
            return Future.succeededFuture();
        }

        @Override
        public void close() {
        }
    }

    private final class RecordingRoutes implements RouteStore {
        @Override
        public Future<Void> add(String prefix, String target, Map<String, Object> data) {
            steps.add("route");
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> remove(String prefix) {
            return Future.succeededFuture();
        }

        @Override
        public Future<Map<String, Route>> list() {
            return Future.succeededFuture(Map.of());
        }
    }
}
