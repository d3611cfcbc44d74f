package io.notebookhub.spawner.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogWritesTest {
    private final LogWrites logWrites = new LogWrites();

    @TempDir
    Path logs;

    @AfterEach
    void close() {
        logWrites.close();
    }

    @Test
    void aListenerHearsWritesToItsFileAndNotToOthersInTheFolder() throws Exception {
        Path ann = Files.writeString(logs.resolve("ann.log"), "");
        Path bob = Files.writeString(logs.resolve("bob.log"), "");
        AtomicInteger annWrites = new AtomicInteger();
        AtomicInteger bobWrites = new AtomicInteger();
        logWrites.listen(ann, annWrites::incrementAndGet);
        logWrites.listen(bob, bobWrites::incrementAndGet);

        Files.writeString(ann, "Serving notebooks from local directory\n", StandardOpenOption.APPEND);

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> annWrites.get() > 0);
        Thread.sleep(200);
        assertThat(bobWrites).hasValue(0);
    }

    @Test
    void aFolderIsWatchedOnlyWhileSomeoneListensAndClosedListenersHearNothing() throws Exception {
        Path ann = Files.writeString(logs.resolve("ann.log"), "");
        Path bob = Files.writeString(logs.resolve("bob.log"), "");
        AtomicInteger annWrites = new AtomicInteger();
        LogWrites.Listening annListening = logWrites.listen(ann, annWrites::incrementAndGet);
        LogWrites.Listening bobListening = logWrites.listen(bob, () -> { });
        assertThat(logWrites.watchedFolders()).isEqualTo(1);

        annListening.close();
        assertThat(logWrites.watchedFolders()).as("bob still listens").isEqualTo(1);
        bobListening.close();
        assertThat(logWrites.watchedFolders()).isZero();

        Files.writeString(ann, "a request served\n", StandardOpenOption.APPEND);
        Thread.sleep(300);
        assertThat(annWrites).hasValue(0);
    }
}
