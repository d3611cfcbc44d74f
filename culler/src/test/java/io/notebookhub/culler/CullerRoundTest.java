package io.notebookhub.culler;

import static io.notebookhub.culler.Servers.NOW;
import static io.notebookhub.culler.Servers.await;
import static io.notebookhub.culler.Servers.idle;
import static io.notebookhub.culler.Servers.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.notebookhub.culler.CullTarget.StopOutcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How a round runs: concurrency, failures, users, periodic rounds. */
class CullerRoundTest {
    private static Vertx vertx;

    private CullerHarness hub;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        await(vertx.close());
    }

    @BeforeEach
    void freshHub() {
        hub = new CullerHarness();
    }

    private Culler culler(CullerConfig config) {
        return hub.culler(vertx).config(config).build();
    }

    private void addIdle(String user, long seconds) {
        hub.add(idle(user, "cpu", seconds), new ServerState(List.of(), List.of()));
    }

    @Test
    void neverHasMoreRequestsInFlightThanTheConcurrencyLimit() throws Exception {
        for (int i = 0; i < 12; i++) {
            addIdle("user" + i, 5000);
        }
        hub.target.holdStops = true;

        Future<CullReport> round = culler(CullerConfig.defaults().withConcurrency(3)).runOnce();

        await().atMost(Duration.ofSeconds(30)).until(() -> hub.target.held.size() == 3);
        assertThat(hub.target.stopped).hasSize(3);
        while (!round.isComplete()) {
            List<Promise<StopOutcome>> release;
            synchronized (hub.target.held) {
                release = new ArrayList<>(hub.target.held);
                hub.target.held.clear();
            }
            release.forEach(p -> p.complete(StopOutcome.STOPPED));
            await().atMost(Duration.ofSeconds(30)).until(() -> !hub.target.held.isEmpty() || round.isComplete());
        }
        assertThat(await(round).culled()).hasSize(12);
        assertThat(hub.target.maxInFlight).hasValue(3);
    }

    @Test
    void aServerThatFailsToStopDoesNotStopTheRound() throws Exception {
        addIdle("alice", 5000);
        addIdle("bob", 5000);
        addIdle("carol", 5000);
        addIdle("dave", 5000);
        hub.target.stopBehaviour.put("bob", s -> Future.failedFuture("pod deletion refused"));
        hub.target.stopBehaviour.put("carol", s -> {
            throw new IllegalStateException("spawner crashed");
        });
        hub.target.stopBehaviour.put("dave", s -> Future.succeededFuture(StopOutcome.STOPPING));

        CullReport report = await(culler(CullerConfig.defaults()).runOnce());

        assertThat(report.culled()).extracting(CullReport.CulledServer::user).containsExactlyInAnyOrder("alice", "dave");
        assertThat(report.culled()).filteredOn(CullReport.CulledServer::stillStopping)
                .extracting(CullReport.CulledServer::user).containsExactly("dave");
        assertThat(report.failures()).extracting(CullReport.CullFailure::user, CullReport.CullFailure::action,
                        CullReport.CullFailure::message)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("bob", "stop-server", "pod deletion refused"),
                        org.assertj.core.groups.Tuple.tuple("carol", "stop-server", "spawner crashed"));
        assertThat(hub.listener.failures).containsExactlyInAnyOrderElementsOf(report.failures());
        assertThat(hub.listener.rounds).containsExactly(report);
    }

    @Test
    void aFailedListingIsReportedAndTheRoundStillEnds() throws Exception {
        FakeTarget broken = new FakeTarget() {
            @Override
            public Future<List<ServerFacts>> readyServers() {
                return Future.failedFuture("GET /users?state=ready answered HTTP 403: missing scope list:users");
            }
        };
        hub.target = broken;

        CullReport report = await(culler(CullerConfig.defaults()).runOnce());

        assertThat(report.examined()).isZero();
        assertThat(report.failures()).singleElement().satisfies(f -> {
            assertThat(f.action()).isEqualTo("list-servers");
            assertThat(f.message()).contains("403");
        });
    }

    @Test
    void cullUsersDeletesUsersWithoutServersIdlePastTheTimeout() throws Exception {
        hub.target.users.add(new UserFacts("bob", false, NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofHours(2))));
        hub.target.users.add(new UserFacts("carol", false, NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofMinutes(10))));
        hub.target.users.add(new UserFacts("root", true, NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofHours(2))));
        hub.target.users.add(new UserFacts("eve", false, NOW.minus(Duration.ofHours(3)), null));

        await(culler(CullerConfig.defaults()).runOnce());
        assertThat(hub.target.deletedUsers).as("cull_users is off by default").isEmpty();

        CullReport report = await(culler(CullerConfig.defaults().withCullUsers(true).withCullAdminUsers(false)).runOnce());

        assertThat(report.deletedUsers()).containsExactlyInAnyOrder("bob", "eve");
        assertThat(hub.target.deletedUsers).containsExactlyInAnyOrder("bob", "eve");
        assertThat(hub.listener.deletedUsers).containsExactlyInAnyOrder("bob", "eve");
    }

    @Test
    void aServerBecomesIdleAsTheClockMoves() throws Exception {
        addIdle("alice", 3000);
        Culler culler = culler(CullerConfig.defaults());

        assertThat(await(culler.runOnce()).culled()).isEmpty();
        hub.clock.advance(s(601));
        assertThat(await(culler.runOnce()).culled()).extracting(CullReport.CulledServer::reason)
                .containsExactly("idle 3601 s > 3600 s, profile cpu");
    }

    @Test
    void runOnceDuringARoundReturnsThatRound() throws Exception {
        addIdle("alice", 5000);
        hub.target.holdStops = true;
        Culler culler = culler(CullerConfig.defaults());

        Future<CullReport> first = culler.runOnce();
        await().atMost(Duration.ofSeconds(30)).until(() -> hub.target.held.size() == 1);
        Future<CullReport> second = culler.runOnce();
        hub.target.held.get(0).complete(StopOutcome.STOPPED);

        assertThat(second).isSameAs(first);
        assertThat(await(first).culled()).hasSize(1);
        assertThat(hub.target.stopped).hasSize(1);
    }

    @Test
    void startRunsRoundsPeriodicallyUntilClosed() throws Exception {
        addIdle("alice", 60);
        Culler culler = culler(CullerConfig.defaults().withEvery(Duration.ofSeconds(1)));

        culler.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> hub.listener.rounds.size() >= 2);
        } finally {
            culler.close();
        }
        int afterClose = hub.listener.rounds.size();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> hub.listener.rounds.size() <= afterClose + 1);
        assertThat(hub.target.stopped).isEmpty();
    }
}
