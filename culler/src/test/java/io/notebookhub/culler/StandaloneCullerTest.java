package io.notebookhub.culler;

import static io.notebookhub.culler.FakeHub.server;
import static io.notebookhub.culler.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The whole standalone culler (REST target + HTTP state reader, and the command) against the fake hub. */
class StandaloneCullerTest {
    private Vertx vertx;
    private FakeHub hub;
    private String busyKernels;
    private String idleKernels;
    private String terminals;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        hub = new FakeHub(vertx);
        busyKernels = RestApiCullTargetTest.resource("api-kernels.json");
        JsonArray withoutBusy = new JsonArray(busyKernels);
        withoutBusy.remove(0);
        idleKernels = withoutBusy.encode();
        terminals = RestApiCullTargetTest.resource("api-terminals.json");
    }

    @AfterEach
    void stop() throws Exception {
        hub.close();
        await(vertx.close());
    }

    /**
     * Three GPU servers whose state is the captured notebook 6.4 sample (last kernel activity 06:03:52, terminal
     * 06:03:25): one still computing, one whose tab keeps polling, one whose stop the hub answers 202.
     */
    private void gpuServers(Instant started, Instant polledAt) {
        gpuServers(started, polledAt, busyKernels, idleKernels, terminals);
    }

    private void gpuServers(Instant started, Instant polledAt, String busyKernels, String idleKernels, String terminals) {
        hub.addUser("computing", false, polledAt, server("computing", "", "gpu", started, polledAt, started));
        hub.addUser("polled", false, polledAt, server("polled", "", "gpu", started, polledAt, started),
                server("polled", "extra", "gpu", started, polledAt, started));
        hub.addUser("slow", false, polledAt, server("slow", "", "gpu", started, polledAt, started));
        hub.serverState.put("/user/computing/", new String[] {busyKernels, terminals});
        hub.serverState.put("/user/polled/", new String[] {idleKernels, terminals});
        hub.serverState.put("/user/polled/extra/", new String[] {idleKernels, null});
        hub.serverState.put("/user/slow/", new String[] {idleKernels, terminals});
        hub.stopStatus.put("slow", 202);
    }

    @Test
    void cullsIdleServersOverTheRestApiAndKeepsTheBusyOne() throws Exception {
        gpuServers(Instant.parse("2026-11-21T06:00:00Z"), Instant.parse("2026-11-21T07:55:00Z"));
        RestApiCullTarget target = new RestApiCullTarget(vertx, hub.apiUrl(), FakeHub.TOKEN,
                URI.create("http://127.0.0.1:" + hub.port() + "/"), Duration.ofSeconds(30), 0);
        RecordingListener listener = new RecordingListener();
        Culler culler = Culler.builder(vertx, target)
                .config(CullerConfig.defaults().withProfileTimeouts(Map.of("gpu", Duration.ofMinutes(30)))
                        .withRemoveNamedServers(true))
                .clock(new MutableClock(Instant.parse("2026-11-21T08:00:00Z")))
                .stateReader(ServerStateReader.http(vertx, Duration.ofSeconds(30)))
                .listener(listener)
                .build();

        CullReport report = await(culler.runOnce());
        target.close();

        assertThat(report.examined()).isEqualTo(4);
        assertThat(report.failures()).isEmpty();
        assertThat(report.culled()).extracting(c -> c.user() + "/" + c.serverName() + ": " + c.reason() + (c.stillStopping() ? " (202)" : ""))
                .containsExactlyInAnyOrder(
                        "polled/: idle 6967 s > 1800 s, profile gpu",
                        "polled/extra: idle 6967 s > 1800 s, profile gpu",
                        "slow/: idle 6967 s > 1800 s, profile gpu (202)");
        assertThat(hub.stopBodies).containsEntry("polled/extra", "{\"remove\":true}");
        assertThat(hub.users.get("computing").getJsonObject("servers").containsKey("")).isTrue();
        assertThat(hub.users.get("slow").getJsonObject("servers").getJsonObject("").getString("pending")).isEqualTo("stop");
    }

    @Test
    void theCommandRunsOneRoundWithTheAnchorsFlags() {
        // The command uses the real clock, so the kernels' times are made relative to it (same shape as the sample).
        Instant now = Instant.now();
        Instant twoHoursAgo = now.minus(Duration.ofHours(2));
        String busy = "[" + kernel("busy", twoHoursAgo, 1) + "," + kernel("idle", twoHoursAgo, 0) + "]";
        String idle = "[" + kernel("idle", twoHoursAgo, 1) + "," + kernel("starting", twoHoursAgo, 0) + "]";
        String terms = "[{\"name\": \"1\", \"last_activity\": \"" + twoHoursAgo + "\"}]";
        gpuServers(now.minus(Duration.ofHours(3)), now.minusSeconds(30), busy, idle, terms);
        hub.addUser("cpu-user", false, now, server("cpu-user", "", "cpu", now.minus(Duration.ofHours(3)),
                now.minusSeconds(30), now.minus(Duration.ofMinutes(45))));
        hub.serverState.put("/user/cpu-user/", new String[] {"[]", "[]"});
        hub.addUser("gone", false, now.minus(Duration.ofDays(2)));
        StringWriter err = new StringWriter();

        int exit = new CommandLine(new CullerCommand(Map.of("JUPYTERHUB_API_TOKEN", FakeHub.TOKEN)))
                .setErr(new PrintWriter(err))
                .execute("--url", hub.apiUrl().toString(), "--timeout", "3600", "--profile-timeout", "gpu=1800",
                        "--cull-users", "--concurrency", "2", "--once");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(hub.stopBodies).containsOnlyKeys("polled", "polled/extra", "slow");
        assertThat(hub.users).as("cpu-user is within its 3600 s, gone had no server for two days")
                .containsOnlyKeys("computing", "polled", "slow", "cpu-user");
    }

    private static String kernel(String state, Instant lastActivity, int connections) {
        return new io.vertx.core.json.JsonObject().put("id", java.util.UUID.randomUUID().toString()).put("name", "python3")
                .put("last_activity", lastActivity.toString()).put("execution_state", state)
                .put("connections", connections).encode();
    }

    @Test
    void theCommandRefusesToStartWithoutAToken() {
        StringWriter err = new StringWriter();

        int exit = new CommandLine(new CullerCommand(Map.of())).setErr(new PrintWriter(err))
                .execute("--url", hub.apiUrl().toString(), "--once");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("JUPYTERHUB_API_TOKEN");
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void theCommandNamesABadSetting() {
        StringWriter err = new StringWriter();

        int exit = new CommandLine(new CullerCommand(Map.of("JUPYTERHUB_API_TOKEN", "t",
                "JUPYTERHUB_API_URL", hub.apiUrl().toString()))).setErr(new PrintWriter(err))
                .execute("--policy", "cpu-load", "--once");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("policy: unknown cull policy 'cpu-load'");
    }

    @Test
    void theCommandExitsNonZeroWhenAStopFails() {
        Instant now = Instant.now();
        hub.addUser("alice", false, now, server("alice", "", null, now.minus(Duration.ofHours(5)), now,
                now.minus(Duration.ofHours(4))));
        hub.serverState.put("/user/alice/", new String[] {"[]", "[]"});
        hub.stopStatus.put("alice", 500);

        int exit = new CommandLine(new CullerCommand(Map.of("JUPYTERHUB_API_TOKEN", FakeHub.TOKEN,
                "JUPYTERHUB_API_URL", hub.apiUrl().toString()))).execute("--once");

        assertThat(exit).isEqualTo(1);
        assertThat(hub.stopBodies).containsOnlyKeys("alice");
    }
}
