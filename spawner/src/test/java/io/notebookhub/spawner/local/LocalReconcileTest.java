package io.notebookhub.spawner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnFailedException;
import io.notebookhub.spawner.SpawnRequest;
import io.notebookhub.spawner.SpawnedServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the local spawner does after the hub died (its Vert.x closed without stopping anything, as kill -9 leaves
 * it): adopt, finish a start, stop what no record accounts for, read state an earlier version wrote. The server is
 * a small Python stand-in (fake-singleuser.py) because these tests are about processes, not Jupyter: it answers
 * HTTP when told to and starts a child in its own session, as jupyterhub-singleuser does with kernels. The system
 * tests in {@code io.notebookhub.system.crash} do the same with the real server.
 */
class LocalReconcileTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path servers;
    @TempDir
    Path otherServers;
    @TempDir
    Path tools;
    private Path script;
    private final List<Vertx> hubs = new ArrayList<>();

    @BeforeEach
    void copyFakeServer() throws Exception {
        script = tools.resolve("fake-singleuser.py");
        try (var in = getClass().getResourceAsStream("/fake-singleuser.py")) {
            Files.write(script, in.readAllBytes());
        }
    }

    @AfterEach
    void stopEverythingStarted() {
        for (Path dir : List.of(servers, otherServers)) {
            ServerProcesses processes = new ServerProcesses(dir);
            processes.scan().forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
        }
        hubs.forEach(Vertx::close);
    }

    private LocalSpawnerConfig config(Path dir, Map<String, String> env) {
        return new LocalSpawnerConfig(dir, List.of("python3", script.toString()), false, "", env);
    }

    private LocalProcessSpawner hub(Path dir, Map<String, String> env) {
        Vertx vertx = Vertx.vertx();
        hubs.add(vertx);
        return new LocalProcessSpawner(vertx, config(dir, env));
    }

    /** What a hub restarted on {@code servers} routes before it reads any record: its look ahead's vouched servers. */
    private Map<ServerId, String> vouchedAfterRestart() {
        return LocalLookAhead.begin(config(servers, Map.of())).vouched().join();
    }

    private LocalProcessSpawner hub() {
        return hub(servers, Map.of());
    }

    /** What kill -9 of the hub leaves: its event loop and timers gone, its servers' processes running on. */
    private void crash(int hub) {
        join(hubs.get(hub).close());
    }

    private static SpawnRequest request(String user, Map<String, Object> intent) {
        ServerId id = ServerId.defaultServer(user);
        return new SpawnRequest(id, Map.of("JUPYTERHUB_USER", user, "JUPYTERHUB_SERVER_NAME", "",
                "JUPYTERHUB_SERVICE_PREFIX", "/user/" + user + "/"), null, Duration.ofSeconds(30), intent);
    }

    private List<ServerProcesses.Marked> processesOf(String marker) {
        return new ServerProcesses(servers).scan().stream().filter(p -> p.marker().equals(marker)).toList();
    }

    private static long pid(SpawnedServer s) {
        return ((Number) s.state().get("pid")).longValue();
    }

    /** A server started (and answering) by a hub made for it, which the test may then crash. */
    private SpawnedServer startedByANewHub(ServerId id) {
        LocalProcessSpawner hub = hub();
        return join(hub.start(request(id.user(), hub.intent(id)), p -> { }));
    }

    @Test
    void aServerWhoseProcessExitsOnItsOwnIsReportedOnceWhetherStartedOrAdopted() throws Exception {
        ServerId alice = ServerId.defaultServer("alice");
        ServerId bob = ServerId.defaultServer("bob");
        SpawnedServer bobs = startedByANewHub(bob);
        crash(0);
        LocalProcessSpawner hub = hub();
        List<String> exits = new java.util.concurrent.CopyOnWriteArrayList<>();
        hub.onUnexpectedExit((id, reason) -> exits.add(id.user() + ": " + reason));
        // The reconcile after a restart comes first: it stops processes its records do not name.
        join(join(hub.reconcile(Map.of(bob, bobs.state()), WAIT)).get(bob));
        SpawnedServer alices = join(hub.start(request("alice", hub.intent(alice)), p -> { }));

        ProcessHandle.of(pid(alices)).orElseThrow().destroyForcibly();
        ProcessHandle.of(pid(bobs)).orElseThrow().destroyForcibly();

        await().atMost(WAIT).until(() -> exits.size() == 2);
        assertThat(exits).containsExactlyInAnyOrder("alice: The server process exited", "bob: The server process exited");
        Thread.sleep(2500);
        assertThat(exits).as("each exit told once").hasSize(2);
    }

    @Test
    void startsInProgressAreNeverGivenTheSamePort() throws Exception {
        // Without this, a thousand picks of a free port by the kernel repeated one about seventy times (build machine).
        LocalProcessSpawner hub = hub();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ports.add(hub.freePortForAStart());
        }
        assertThat(ports).hasSize(1000);
    }

    @Test
    void adoptsARunningServerAndStopsItWithEveryProcessItStarted() throws Exception {
        ServerId alice = ServerId.defaultServer("alice");
        SpawnedServer started = startedByANewHub(alice);
        String marker = (String) started.state().get("marker");
        await().atMost(WAIT).until(() -> processesOf(marker).size() == 2);
        crash(0);

        LocalProcessSpawner second = hub();
        SpawnedServer adopted = join(join(second.reconcile(Map.of(alice, started.state()), WAIT)).get(alice));

        assertThat(adopted.url()).isEqualTo(started.url());
        assertThat(pid(adopted)).isEqualTo(pid(started));
        assertThat(answers(adopted)).isTrue();
        join(second.stop(alice, adopted.state()));
        assertThat(processesOf(marker)).as("the server and its kernel-like child").isEmpty();
    }

    @Test
    void vouchesBeforeAnyRecordIsReadForAServerThatHoldsItsPortButNotForOneThatDoesNotListenYet() {
        ServerId alice = ServerId.defaultServer("alice");
        ServerId bob = ServerId.defaultServer("bob");
        SpawnedServer started = startedByANewHub(alice);
        LocalProcessSpawner slow = hub(servers, Map.of("FAKE_READY_DELAY", "600"));
        Map<String, Object> bobsIntent = slow.intent(bob);
        slow.start(request("bob", bobsIntent), p -> { });
        await().atMost(WAIT).until(() -> !processesOf((String) bobsIntent.get("marker")).isEmpty());
        crash(0);
        crash(1);

        assertThat(vouchedAfterRestart()).as("bob's stand-in sleeps before it binds its port")
                .containsExactly(Map.entry(alice, started.url()));
    }

    @Test
    void doesNotVouchForAProcessThatCarriesAnotherServersMarkerButClaimsAnotherUser() throws Exception {
        ServerId alice = ServerId.defaultServer("alice");
        SpawnedServer started = startedByANewHub(alice);
        String alicesMarker = (String) started.state().get("marker");
        crash(0);
        // What alice's code could leave behind: a process of her marker (inherited, so her own) that outlived her
        // server and listens on a port of its own, claiming to be bob's server.
        processesOf(alicesMarker).forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
        await().atMost(WAIT).until(() -> processesOf(alicesMarker).isEmpty());
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder forged = new ProcessBuilder("python3", script.toString(), "--ip=127.0.0.1", "--port=" + port);
        forged.environment().putAll(Map.of(ServerProcesses.MARKER_ENV, alicesMarker, "JUPYTERHUB_USER", "bob",
                "JUPYTERHUB_SERVER_NAME", "", "JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:" + port + "/user/bob/"));
        Process impostor = forged.start();
        try {
            await().atMost(WAIT).until(() -> ListeningSockets.read().portsOf(impostor.pid()).contains(port));
            assertThat(ServerProcesses.servers(processesOf(alicesMarker)).get(alicesMarker).user())
                    .as("the survey sees it as a server claiming bob").isEqualTo("bob");

            assertThat(vouchedAfterRestart()).isEmpty();
        } finally {
            impostor.descendants().forEach(ProcessHandle::destroyForcibly);
            impostor.destroyForcibly();
        }
    }

    @Test
    void finishesAStartThatTheCrashInterruptedAndRecordsThePid() {
        ServerId bob = ServerId.defaultServer("bob");
        LocalProcessSpawner first = hub(servers, Map.of("FAKE_READY_DELAY", "3"));
        Map<String, Object> intent = first.intent(bob);
        first.start(request("bob", intent), p -> { });
        String marker = (String) intent.get("marker");
        await().atMost(WAIT).until(() -> !processesOf(marker).isEmpty());
        long launched = ServerProcesses.servers(processesOf(marker)).get(marker).pid();
        crash(0);

        LocalProcessSpawner second = hub();
        Map<ServerId, Future<SpawnedServer>> found = join(second.reconcile(Map.of(bob, intent), WAIT));
        SpawnedServer adopted = join(found.get(bob));

        assertThat(pid(adopted)).isEqualTo(launched);
        assertThat(adopted.state()).containsEntry("marker", marker).containsEntry("prefix", "/user/bob/");
        assertThat(answers(adopted)).isTrue();
    }

    @Test
    void stopsAServerThatTheCrashInterruptedWhenItNeverAnswers() {
        ServerId carol = ServerId.defaultServer("carol");
        Map<String, Object> intent = launchedThenCrashed(carol, Map.of("FAKE_READY_DELAY", "600"), m -> true);
        String marker = (String) intent.get("marker");

        LocalProcessSpawner second = hub();
        Map<ServerId, Future<SpawnedServer>> found = join(second.reconcile(Map.of(carol, intent),
                Duration.ofSeconds(2)));

        assertThatThrownBy(() -> join(found.get(carol))).isInstanceOf(SpawnFailedException.class)
                .hasMessageContaining("did not answer within 2 s");
        assertThat(processesOf(marker)).isEmpty();
    }

    @Test
    void adoptsAServerThatHoldsItsPortWithoutWaitingForAnAnswer() {
        ServerId iris = ServerId.defaultServer("iris");
        Map<String, Object> intent = launchedThenCrashed(iris, Map.of("FAKE_SILENT", "1"), this::listening);
        String marker = (String) intent.get("marker");

        LocalProcessSpawner second = hub();
        SpawnedServer adopted = join(join(second.reconcile(Map.of(iris, intent), Duration.ofSeconds(2))).get(iris));

        assertThat(adopted.state()).containsEntry("marker", marker);
        assertThat(answers(adopted)).as("it listens but never answers").isFalse();
        assertThat(ProcessGroups.alive(pid(adopted))).isTrue();
    }

    @Test
    void waitsForAnAnswerWhenAnotherProcessHoldsTheRecordedPort() throws Exception {
        ServerId jack = ServerId.defaultServer("jack");
        Map<String, Object> intent = launchedThenCrashed(jack, Map.of("FAKE_READY_DELAY", "600"), m -> true);
        String marker = (String) intent.get("marker");
        Map<String, Object> state = new java.util.HashMap<>(intent);
        try (var squatter = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            // Another process (this test) listens on the port the record names; the server itself never does.
            state.put("port", squatter.getLocalPort());
            state.put("prefix", "/user/jack/");

            LocalProcessSpawner second = hub();
            Future<SpawnedServer> found = join(second.reconcile(Map.of(jack, state), Duration.ofSeconds(2))).get(jack);

            assertThatThrownBy(() -> join(found)).isInstanceOf(SpawnFailedException.class)
                    .hasMessageContaining("did not answer within 2 s");
        }
        assertThat(processesOf(marker)).isEmpty();
    }

    @Test
    void stopsEveryProcessOfThisHubThatNoRecordAccountsFor() {
        LocalProcessSpawner first = hub();
        SpawnedServer dave = join(first.start(request("dave", first.intent(ServerId.defaultServer("dave"))),
                p -> { }));
        String marker = (String) dave.state().get("marker");
        await().atMost(WAIT).until(() -> processesOf(marker).size() == 2);
        crash(0);

        LocalProcessSpawner second = hub();
        Map<ServerId, Future<SpawnedServer>> found = join(second.reconcile(Map.of(), WAIT));

        assertThat(found).isEmpty();
        assertThat(processesOf(marker)).isEmpty();
        assertThat(ProcessGroups.alive(pid(dave))).isFalse();
    }

    @Test
    void leavesTheServersOfAnotherHubOnThisMachineAlone() {
        LocalProcessSpawner first = hub();
        SpawnedServer erin = join(first.start(request("erin", first.intent(ServerId.defaultServer("erin"))),
                p -> { }));

        LocalProcessSpawner other = hub(otherServers, Map.of());
        assertThat(join(other.reconcile(Map.of(), WAIT))).isEmpty();

        assertThat(ProcessGroups.alive(pid(erin))).isTrue();
        assertThat(answers(erin)).isTrue();
    }

    @Test
    void adoptsAServerWhoseStateAnEarlierVersionRecordedAsStrings() {
        ServerId frank = ServerId.defaultServer("frank");
        LocalProcessSpawner first = hub();
        SpawnedServer started = join(first.start(request("frank", first.intent(frank)), p -> { }));
        crash(0);
        Map<String, Object> oldState = Map.of("pid", Long.toString(pid(started)),
                "port", started.state().get("port").toString(), "prefix", "/user/frank/");

        LocalProcessSpawner second = hub();
        SpawnedServer adopted = join(join(second.reconcile(Map.of(frank, oldState), WAIT)).get(frank));

        assertThat(adopted.url()).isEqualTo(started.url());
        assertThat(adopted.state().get("pid")).isInstanceOf(Number.class);
        assertThat(pid(adopted)).isEqualTo(pid(started));
        assertThat(join(second.status(frank, oldState))).isPresent();
        join(second.stop(frank, oldState));
        assertThat(ProcessGroups.alive(pid(started))).isFalse();
    }

    @Test
    void aNewStartAfterACrashStopsTheLeftoverSoNoServerRunsTwice() {
        ServerId gina = ServerId.defaultServer("gina");
        LocalProcessSpawner first = hub();
        SpawnedServer leftover = join(first.start(request("gina", first.intent(gina)), p -> { }));
        crash(0);

        LocalProcessSpawner second = hub();
        SpawnedServer fresh = join(second.start(request("gina", second.intent(gina)), p -> { }));

        assertThat(ProcessGroups.alive(pid(leftover))).isFalse();
        assertThat(processesOf((String) leftover.state().get("marker"))).isEmpty();
        assertThat(ServerProcesses.servers(new ServerProcesses(servers).scan()).values())
                .singleElement().satisfies(p -> assertThat(p.pid()).isEqualTo(pid(fresh)));
    }

    @Test
    void aServerRecordedAsStartingThatNeverLaunchedIsNotFound() {
        LocalProcessSpawner hub = hub();
        ServerId hank = ServerId.defaultServer("hank");

        assertThat(join(hub.reconcile(Map.of(hank, hub.intent(hank)), WAIT))).isEmpty();
    }

    /**
     * Starts {@code id}'s server on a first hub with {@code env} and crashes that hub once the server and its
     * kernel-like child run and {@code alsoWhen} holds for its marker; returns the intent recorded before launch.
     */
    private Map<String, Object> launchedThenCrashed(ServerId id, Map<String, String> env,
                                                    java.util.function.Predicate<String> alsoWhen) {
        LocalProcessSpawner first = hub(servers, env);
        Map<String, Object> intent = first.intent(id);
        first.start(request(id.user(), intent), p -> { });
        String marker = (String) intent.get("marker");
        await().atMost(WAIT).until(() -> processesOf(marker).size() == 2 && alsoWhen.test(marker));
        crash(hubs.size() - 1);
        return intent;
    }

    private boolean listening(String marker) {
        var server = ServerProcesses.servers(processesOf(marker)).get(marker);
        return server != null && server.port().isPresent()
                && ListeningSockets.read().portsOf(server.pid()).contains(server.port().get());
    }

    private static boolean answers(SpawnedServer s) {
        try {
            String prefix = (String) s.state().get("prefix");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(s.url()
                    + prefix + "api")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
