package io.notebookhub.system.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.notebookhub.system.crash.SpawnCrashHub.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the hub while 20 users' servers are starting (real jupyterhub-singleuser processes), then a restart:
 * every server ends up running, routed and reachable with its owner's token, or stopped with no process left; and
 * stopping them all through the API leaves no notebook process of this hub.
 */
class ConcurrentSpawnCrashIT {
    private static final int USERS = 20;

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
    void everyServerOfTwentyConcurrentSpawnsIsRunningOrGoneAfterAKill9AndStoppingThemAllLeavesNoProcess()
            throws Exception {
        hub = new SpawnCrashHub(temp.resolve("data")).start();
        List<String> users = IntStream.rangeClosed(1, USERS).mapToObj(i -> "user" + i).toList();
        hub.createUsers(users);

        users.forEach(hub::requestServer);
        // Kill while the spawns are in flight: some servers launched, most not yet answering.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> NotebookProcesses.of(hub).stream().filter(NotebookProcesses.Seen::server).count() >= 10);
        hub.kill9();
        long launched = NotebookProcesses.of(hub).stream().filter(NotebookProcesses.Seen::server).count();

        hub.start();

        Map<String, Outcome> outcomes = new TreeMap<>();
        for (String user : users) {
            outcomes.put(user, hub.awaitSettled(user));
        }
        System.out.printf("%d server processes were running at the kill; after the restart: %s%n", launched,
                outcomes);
        for (String user : users) {
            if (outcomes.get(user) == Outcome.RUNNING) {
                assertThat(hub.reachable(user, hub.tokenOf(user))).as(user + " is routed and answers").isTrue();
                assertThat(NotebookProcesses.serversOf(hub, user)).as(user + " runs once").hasSize(1);
                assertThat(hub.recordedPid(user)).isEqualTo(NotebookProcesses.serversOf(hub, user).get(0).pid());
            } else {
                assertThat(NotebookProcesses.serversOf(hub, user)).as(user + " is stopped: no process").isEmpty();
            }
        }
        assertThat(outcomes.values().stream().filter(o -> o == Outcome.RUNNING).count())
                .as("every server process running at the kill is adopted").isGreaterThanOrEqualTo(launched);

        for (String user : users) {
            if (outcomes.get(user) == Outcome.RUNNING) {
                hub.stopServer(user);
            }
        }
        assertThat(NotebookProcesses.of(hub)).as("no notebook process of this hub after every server stopped")
                .isEmpty();
    }
}
