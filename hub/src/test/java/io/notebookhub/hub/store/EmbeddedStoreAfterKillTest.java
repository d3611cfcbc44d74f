package io.notebookhub.hub.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM writing to the embedded store is killed with SIGKILL, round after round on the same file: every write it
 * acknowledged is there when the store is opened again. (H2 2.5 can leave its file header naming an older commit than
 * the newest in the file; {@link EmbeddedStoreFile} finds the newest.)
 */
class EmbeddedStoreAfterKillTest {
    private static final int ROUNDS = 6;

    @TempDir
    Path dir;

    @Test
    void everyWriteAcknowledgedBeforeAKill9IsThereWhenTheStoreOpensAgain() throws Exception {
        List<String> acknowledged = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<String> thisRound = writeUntilKilled("round" + round, 1500 + 500L * round);
            assertThat(thisRound).as("writes acknowledged in round %d", round).isNotEmpty();
            acknowledged.addAll(thisRound);
            List<String> missing = new ArrayList<>();
            try (H2HubStore store = H2HubStore.open(dir)) {
                for (String name : acknowledged) {
                    if (store.user(name).isEmpty()) {
                        missing.add(name);
                    }
                }
            }
            assertThat(missing).as("acknowledged writes missing after the kill in round %d (of %d acknowledged)",
                    round, acknowledged.size()).isEmpty();
        }
    }

    /** Runs the writer for about {@code millis} after its first acknowledged write, then kills it with SIGKILL. */
    private List<String> writeUntilKilled(String prefix, long millis) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process writer = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                StoreWriterUntilKilled.class.getName(), dir.toString(), prefix)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> names = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.endsWith(";")) { // a line the kill cut short was not acknowledged
                        names.add(line.substring(0, line.length() - 1));
                    }
                }
            } catch (Exception e) {
                // the writer is gone; what it printed is what counts
            }
        });
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (names.isEmpty() && writer.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(millis);
        } finally {
            writer.destroyForcibly(); // SIGKILL on Linux
            writer.waitFor(30, TimeUnit.SECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        return new ArrayList<>(names);
    }
}
