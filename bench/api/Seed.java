import io.notebookhub.hub.store.H2HubStore;
import io.notebookhub.hub.store.ServerRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Seeds a hub data folder for the scale benchmark: N users and S servers recorded as running, all pointing at
 * one live stand-in process (pid, port) so that the hub adopts them on start as it adopts real ones after a
 * restart. Run with the hub jar on the class path:
 * {@code java -cp hub/target/notebook-hub.jar bench/api/Seed.java DATA_DIR USERS SERVERS PID PORT}.
 */
public class Seed {
    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        int users = Integer.parseInt(args[1]);
        int servers = Integer.parseInt(args[2]);
        String pid = args[3];
        String port = args[4];
        Instant now = Instant.now();
        try (H2HubStore store = H2HubStore.open(data)) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                names.add(String.format("user%05d", i));
                if (names.size() == 5000) {
                    store.ensureUsers(names, false, now);
                    names.clear();
                }
            }
            store.ensureUsers(names, false, now);
            // Every (users/servers)-th user has a running server, spread over the whole name range.
            int step = Math.max(1, users / servers);
            for (int i = 0; i < servers; i++) {
                String user = String.format("user%05d", i * step);
                store.saveServer(new ServerRecord(user, "", ServerRecord.RUNNING, "small", Map.of("profile", "small"),
                        "http://127.0.0.1:" + port, Map.of("pid", pid, "port", port), now, now, null));
            }
            System.out.println("seeded " + store.counts());
        }
    }
}
