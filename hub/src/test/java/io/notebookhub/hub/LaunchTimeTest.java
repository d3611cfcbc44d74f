package io.notebookhub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class LaunchTimeTest {
    @Test
    void theTimeSinceLaunchIsAtLeastTheJvmsOwnAgeAndNotMuchMore() {
        long jvmAge = ManagementFactory.getRuntimeMXBean().getUptime();
        long sinceLaunch = HubApp.millisSinceLaunch();
        // The process starts a little before the JVM it runs (36 ms on the build machine); /proc counts in hundredths.
        // The JDK's own start instant was 243 ms late there, its boot time being whole seconds.
        assertThat(sinceLaunch).isBetween(jvmAge - 20, ManagementFactory.getRuntimeMXBean().getUptime() + 200);
    }
}
