package io.notebookhub.spawner.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessGroupsTest {

    @Test
    void terminatingAServerEndsEveryProcessInItsGroup() throws Exception {
        Process leader = new ProcessBuilder("setsid", "sh", "-c", "sleep 300 & sleep 300 & wait").start();
        long pid = leader.pid();
        Thread.sleep(300);
        var children = ProcessHandle.of(pid).orElseThrow().descendants().toList();
        assertThat(children).hasSizeGreaterThanOrEqualTo(2);

        ProcessGroups.terminate(pid, Duration.ofSeconds(5));

        assertThat(ProcessGroups.alive(pid)).isFalse();
        assertThat(children).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void aProcessThatIgnoresTermIsKilledAfterTheGracePeriod() throws Exception {
        Process leader = new ProcessBuilder("setsid", "sh", "-c", "trap '' TERM; sleep 300 & wait").start();
        Thread.sleep(300);
        ProcessGroups.terminate(leader.pid(), Duration.ofMillis(500));
        assertThat(ProcessGroups.alive(leader.pid())).isFalse();
    }

    @Test
    void aRunningProcessIsAliveAndAnExitedOrUnknownOneIsNot() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "300").start();
        assertThat(ProcessGroups.alive(sleeper.pid())).isTrue();
        assertThat(ProcessGroups.alive(ProcessHandle.current().pid())).isTrue();
        sleeper.destroy();
        sleeper.waitFor();
        assertThat(ProcessGroups.alive(sleeper.pid())).isFalse();
        assertThat(ProcessGroups.alive(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void aZombieIsNotAlive() throws Exception {
        // sh execs sleep 0, which exits; nobody waits for it until sh's own exit, so it stays a zombie for a while.
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0 & exec sleep 300").start();
        try {
            long zombie = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> ProcessHandle.of(parent.pid()).orElseThrow().children()
                            .mapToLong(ProcessHandle::pid).filter(p -> stateOf(p) == 'Z').findFirst().orElse(-1),
                            p -> p > 0);
            assertThat(ProcessGroups.alive(zombie)).isFalse();
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void theStateLetterIsReadAfterTheLastParenthesisOfTheCommandName() {
        byte[] odd = "123 (a) b) S 1 123".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(ProcessGroups.running(odd, odd.length)).isTrue();
        byte[] zombie = "123 (sh) Z 1 123".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(ProcessGroups.running(zombie, zombie.length)).isFalse();
        assertThat(ProcessGroups.running(zombie, 4)).isFalse();
    }

    private static char stateOf(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (java.io.IOException e) {
            return '?';
        }
    }
}
