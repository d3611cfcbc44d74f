package io.notebookhub.culler;

import static io.notebookhub.culler.Servers.await;
import static io.notebookhub.culler.Servers.idle;
import static io.notebookhub.culler.Servers.kernel;
import static io.notebookhub.culler.Servers.s;
import static io.notebookhub.culler.Servers.server;
import static io.notebookhub.culler.Servers.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.culler.CullReport.Cause;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which servers a round culls, and why, under each policy. */
class CullerDecisionTest {
    private static final ServerState NOTHING_RUNNING = state(List.of(), List.of());
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

    private void add(ServerFacts server, ServerState state) {
        hub.add(server, state);
    }

    private CullReport round(CullerConfig config) throws Exception {
        Culler culler = hub.culler(vertx).config(config).build();
        return await(culler.runOnce());
    }

    @Test
    void cullsAServerIdlePastItsTimeoutAndRecordsTheReason() throws Exception {
        add(idle("alice", "cpu", 3712), state(List.of(kernel("idle", s(4000), 0)), List.of()));

        CullReport report = round(CullerConfig.defaults());

        assertThat(hub.target.stopped).containsExactly(Map.entry("alice", "idle 3712 s > 3600 s, profile cpu"));
        assertThat(report.examined()).isEqualTo(1);
        assertThat(report.culled()).singleElement().satisfies(c -> {
            assertThat(c.user()).isEqualTo("alice");
            assertThat(c.profile()).isEqualTo("cpu");
            assertThat(c.cause()).isEqualTo(Cause.IDLE);
            assertThat(c.stillStopping()).isFalse();
        });
        assertThat(hub.listener.culled).containsExactlyElementsOf(report.culled());
        assertThat(hub.reader.tokensSeen).containsEntry(Servers.stateUrl("alice", ""), "token-alice");
    }

    @Test
    void keepsAServerWithRecentInteractiveActivity() throws Exception {
        add(server("alice", "", "cpu", s(20_000), s(60), s(60), s(60)), NOTHING_RUNNING);

        CullReport report = round(CullerConfig.defaults());

        assertThat(report.examined()).isEqualTo(1);
        assertThat(report.culled()).isEmpty();
        assertThat(hub.target.stopped).isEmpty();
    }

    @Test
    void keepsAServerWithABusyKernelEvenWithNoTrafficAtAll() throws Exception {
        Duration long_ago = Duration.ofHours(10);
        ServerFacts computing = server("alice", "", "gpu", long_ago, long_ago, long_ago, long_ago);
        add(computing, state(List.of(kernel("busy", Duration.ofHours(9), 0)), List.of()));

        assertThat(round(CullerConfig.defaults()).culled()).isEmpty();
        assertThat(hub.target.stopped).isEmpty();

        // The plain traffic rule cannot see the computation: this is what the activity policy fixes.
        round(CullerConfig.defaults().withPolicy("traffic"));
        assertThat(hub.target.stopped).containsExactly(Map.entry("alice", "idle 36000 s > 3600 s, profile gpu"));
    }

    @Test
    void cullsAServerWhoseOnlyTrafficIsAnOpenTabPolling() throws Exception {
        // The tab polls api/kernels, api/sessions, api/contents: route traffic and reports are fresh, nothing else is.
        ServerFacts forgotten = server("alice", "", "gpu", Duration.ofDays(3), s(7200), s(30), s(120));
        add(forgotten, state(List.of(kernel("idle", s(7300), 1)), List.of(new ServerState.Terminal("1", Servers.ago(s(9000))))));

        round(CullerConfig.defaults());

        assertThat(hub.target.stopped).containsExactly(Map.entry("alice", "idle 7200 s > 3600 s, profile gpu"));
    }

    @Test
    void trafficPolicyKeepsAServerThatAnOpenTabPolls() throws Exception {
        add(server("alice", "", "gpu", Duration.ofDays(3), s(7200), s(30), s(120)), NOTHING_RUNNING);

        CullReport report = round(CullerConfig.defaults().withPolicy("traffic"));

        assertThat(report.culled()).isEmpty();
        assertThat(hub.reader.tokensSeen).as("the traffic policy reads no server state").isEmpty();
    }

    @Test
    void kernelAndTerminalActivityKeepAServer() throws Exception {
        Duration old = Duration.ofHours(5);
        add(server("alice", "", "cpu", old, old, old, old), state(List.of(kernel("idle", s(600), 0)), List.of()));
        add(server("bob", "", "cpu", old, old, old, old),
                state(List.of(), List.of(new ServerState.Terminal("1", Servers.ago(s(300))))));

        assertThat(round(CullerConfig.defaults()).culled()).isEmpty();
    }

    @Test
    void aPerProfileTimeoutBeatsTheGlobalOne() throws Exception {
        add(idle("gpu-user", "gpu", 1000), NOTHING_RUNNING);
        add(idle("cpu-user", "cpu", 1000), NOTHING_RUNNING);
        // The hub passes the timeout of the server's resolved profile (profile YAML); it wins over config.
        add(Servers.withIdleTimeout(idle("yaml-user", "gpu", 700), s(600)), NOTHING_RUNNING);

        round(CullerConfig.defaults().withProfileTimeouts(Map.of("gpu", s(900))));

        assertThat(hub.target.stopped).containsOnly(
                Map.entry("gpu-user", "idle 1000 s > 900 s, profile gpu"),
                Map.entry("yaml-user", "idle 700 s > 600 s, profile gpu"));
    }

    @Test
    void maxAgeCullsAnOldServerEvenWhileItWorks() throws Exception {
        ServerFacts old = server("alice", "", "gpu", Duration.ofHours(9), s(10), s(10), s(10));
        add(old, state(List.of(kernel("busy", s(5), 1)), List.of()));

        assertThat(round(CullerConfig.defaults()).culled()).as("max_age is off by default").isEmpty();
        CullReport report = round(CullerConfig.defaults().withMaxAge(Duration.ofHours(8)));

        assertThat(report.culled()).singleElement().satisfies(c -> {
            assertThat(c.cause()).isEqualTo(Cause.MAX_AGE);
            assertThat(c.reason()).isEqualTo("age 32400 s > 28800 s (max_age), profile gpu");
        });
    }

    @Test
    void adminsAndExemptServersAreKeptWhenConfigSaysSo() throws Exception {
        add(Servers.withAdmin(idle("root", "cpu", 9000)), NOTHING_RUNNING);
        add(idle("bob", "cpu", 9000), NOTHING_RUNNING);
        add(server("carol", "gpu", "gpu", s(99_000), s(9000), s(9000), s(9000)), NOTHING_RUNNING);
        add(idle("dave", "cpu", 9000), NOTHING_RUNNING);

        round(CullerConfig.defaults().withCullAdminUsers(false).withExempt(Set.of("bob", "carol/gpu")));
        assertThat(hub.target.stopped).containsOnlyKeys("dave");

        round(CullerConfig.defaults());
        assertThat(hub.target.stopped).containsOnlyKeys("root", "bob", "carol/gpu", "dave");
    }

    @Test
    void anUnreadableServerIsJudgedByItsActivityReports() throws Exception {
        Duration old = Duration.ofHours(5);
        add(server("alice", "", "cpu", old, old, old, s(60)), null);
        add(server("bob", "", "cpu", old, old, s(60), old), null);

        round(CullerConfig.defaults());

        assertThat(hub.target.stopped).containsOnly(Map.entry("bob", "idle 18000 s > 3600 s, profile cpu"));
    }

    @Test
    void withoutInteractiveActivityFromTheProxyOnlyKernelsAndTerminalsCount() throws Exception {
        Duration old = Duration.ofHours(5);
        add(server("alice", "", null, old, null, s(10), s(10)), state(List.of(kernel("idle", Duration.ofHours(2), 1)), List.of()));
        add(server("bob", "", null, old, null, s(10), s(10)), state(List.of(kernel("idle", s(300), 1)), List.of()));

        round(CullerConfig.defaults());

        assertThat(hub.target.stopped).containsOnly(Map.entry("alice", "idle 7200 s > 3600 s, no profile"));
    }

    @Test
    void aKernelThatNeverLeftStartingDoesNotKeepAServer() throws Exception {
        // Notebook 6.4 leaves a kernel nobody connected to in "starting" for ever (see the captured sample).
        add(idle("alice", "cpu", 5000), state(List.of(kernel("starting", s(5000), 0)), List.of()));

        round(CullerConfig.defaults());

        assertThat(hub.target.stopped).containsOnlyKeys("alice");
    }

    @Test
    void namedServersAreRemovedOnlyWhenConfigSaysSo() throws Exception {
        add(server("alice", "gpu", "gpu", s(9000), s(9000), s(9000), s(9000)), NOTHING_RUNNING);
        add(idle("bob", "cpu", 9000), NOTHING_RUNNING);

        round(CullerConfig.defaults());
        assertThat(hub.target.removed).containsOnly(Map.entry("alice/gpu", false), Map.entry("bob", false));

        round(CullerConfig.defaults().withRemoveNamedServers(true));
        assertThat(hub.target.removed).containsOnly(Map.entry("alice/gpu", true), Map.entry("bob", false));
    }

    @Test
    void aPolicyOfTheHubsOwnReplacesTheConfiguredOne() throws Exception {
        add(server("alice", "", "cpu", s(20_000), s(60), s(60), s(60)), NOTHING_RUNNING);
        CullPolicy startOnly = new CullPolicy() {
            public String id() {
                return "start-only";
            }

            public boolean readsServerState() {
                return false;
            }

            public Evidence evaluate(ServerFacts server, java.util.Optional<ServerState> state) {
                return new Evidence(server.started(), "server start", false);
            }
        };

        Culler culler = hub.culler(vertx).policy(startOnly).build();
        await(culler.runOnce());

        assertThat(hub.target.stopped).containsExactly(Map.entry("alice", "idle 20000 s > 3600 s, profile cpu"));
        assertThat(hub.reader.tokensSeen).isEmpty();
    }
}
