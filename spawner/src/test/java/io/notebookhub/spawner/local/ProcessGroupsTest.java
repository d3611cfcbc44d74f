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
}
