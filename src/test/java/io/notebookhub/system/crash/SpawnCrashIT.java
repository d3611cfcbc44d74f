package io.notebookhub.system.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.notebookhub.system.crash.SpawnCrashHub.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the hub's JVM (not a graceful stop) at chosen points of a spawn, with real jupyterhub-singleuser
 * servers and the embedded proxy, which dies with the hub. Afterwards a server is adopted (running, routed,
 * reachable) or stopped with no process left, and never runs twice.
 */
class SpawnCrashIT {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path temp;
    private SpawnCrashHub hub;

    @AfterEach
    void killEverything() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aServerWhoseSpawnAKill9InterruptedIsAdoptedAfterTheRestartAndNeverRunsTwice() throws Exception {
        hub = new SpawnCrashHub(temp.resolve("data")).start();
        hub.createUsers(List.of("alice"));

        hub.requestServer("alice");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> !NotebookProcesses.serversOf(hub, "alice").isEmpty());
        long launched = NotebookProcesses.serversOf(hub, "alice").get(0).pid();
        hub.kill9();
        assertThat(NotebookProcesses.serversOf(hub, "alice")).as("the server outlives the hub").isNotEmpty();

        hub.start();

        assertThat(hub.awaitSettled("alice")).as(hub.logText()).isEqualTo(Outcome.RUNNING);
        assertThat(hub.recordedPid("alice")).as("the process launched before the crash, adopted").isEqualTo(launched);
        assertThat(hub.reachable("alice", hub.tokenOf("alice"))).isTrue();
        assertThat(NotebookProcesses.serversOf(hub, "alice")).singleElement()
                .satisfies(p -> assertThat(p.pid()).isEqualTo(launched));

        hub.stopServer("alice");
        assertThat(NotebookProcesses.of(hub)).as("DELETE leaves no process of alice's server").isEmpty();

        hub.startServer("alice");
        assertThat(NotebookProcesses.serversOf(hub, "alice")).as("one server in alice's home").hasSize(1);
        hub.stopServer("alice");
        assertThat(NotebookProcesses.of(hub)).isEmpty();
    }

    @Test
    void aRunningServerIsAdoptedAndRoutedAgainAfterAKill9ThatTookTheEmbeddedProxyWithIt() throws Exception {
        hub = new SpawnCrashHub(temp.resolve("data")).start();
        hub.createUsers(List.of("alice"));
        String token = hub.tokenOf("alice");
        hub.startServer("alice");
        long pid = NotebookProcesses.serversOf(hub, "alice").get(0).pid();
        // At once after the server became ready: the moment its pid and port were written.
        hub.kill9();

        long restarting = System.nanoTime();
        hub.start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> hub.reachable("alice", token));
        double seconds = (System.nanoTime() - restarting) / 1e9;

        System.out.printf("alice's route answered %.2f s after the restart began (JVM start included)%n", seconds);
        assertThat(hub.awaitSettled("alice")).isEqualTo(Outcome.RUNNING);
        assertThat(hub.recordedPid("alice")).isEqualTo(pid);
        assertThat(NotebookProcesses.serversOf(hub, "alice")).singleElement()
                .satisfies(p -> assertThat(p.pid()).isEqualTo(pid));
        hub.stopServer("alice");
        assertThat(NotebookProcesses.of(hub)).isEmpty();
    }

    @Test
    void aStopThatAKill9InterruptedIsFinishedAfterTheRestart() throws Exception {
        hub = new SpawnCrashHub(temp.resolve("data")).start();
        hub.createUsers(List.of("alice"));
        hub.startServer("alice");
        long pid = NotebookProcesses.serversOf(hub, "alice").get(0).pid();
        // A frozen server does not act on SIGTERM, so the hub's stop is still waiting for it when the hub dies.
        assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor()).isZero();

        hub.requestStop("alice");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> "stop".equals(hub.defaultServer("alice").path("pending").asText()));
        hub.kill9();
        assertThat(ProcessHandle.of(pid)).as("the server outlived the hub").isPresent();
        hub.start();

        assertThat(hub.awaitSettled("alice")).isEqualTo(Outcome.STOPPED);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(NotebookProcesses.of(hub)).as("the stop was finished, nothing of alice runs").isEmpty());
        // The frozen server still held its port, so it was routed before the store opened; the records then won.
        assertThat(hub.logText()).contains("routed 1 running server(s) that vouch for themselves");
        assertThat(hub.routes()).doesNotContain("/user/alice/");
    }
}
