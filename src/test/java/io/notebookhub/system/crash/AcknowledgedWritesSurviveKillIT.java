package io.notebookhub.system.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.store.PostgresCluster;
import io.notebookhub.system.HubProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users and tokens are created in a burst, each answered 201, and the hub's JVM is killed with SIGKILL in the middle
 * of it: after a restart every acknowledged user exists and every acknowledged token still authenticates.
 */
class AcknowledgedWritesSurviveKillIT {
    private static final int WRITERS = 4;

    @TempDir
    Path temp;

    @Test
    void everyAcknowledgedUserAndTokenSurvivesKill9OfTheEmbeddedHub() throws Exception {
        try (HubProcess hub = new HubProcess(temp.resolve("data"), List.of())) {
            burstKillAndCheck(hub);
        }
    }

    @Test
    void everyAcknowledgedUserAndTokenSurvivesKill9OfAHubOnPostgres() throws Exception {
        PostgresCluster pg = PostgresCluster.shared();
        try (HubProcess hub = new HubProcess(temp.resolve("data"), List.of())) {
            hub.env.put("NBHUB_HUB_DB_URL", pg.newDatabaseUrl());
            hub.env.put("NBHUB_HUB_DB_PASSWORD", pg.password());
            burstKillAndCheck(hub);
        }
    }

    private static void burstKillAndCheck(HubProcess hub) throws Exception {
        hub.start();
        Map<String, String> acknowledged = new ConcurrentHashMap<>(); // user -> token
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger next = new AtomicInteger();
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        for (int w = 0; w < WRITERS; w++) {
            writers.submit(() -> {
                while (!killed.get()) {
                    String user = "burst" + next.incrementAndGet();
                    try {
                        HttpResponse<String> created = hub.call("POST", "/hub/api/users/" + user, null,
                                HubProcess.ADMIN_TOKEN);
                        if (created.statusCode() != 201) {
                            continue;
                        }
                        HttpResponse<String> token = hub.call("POST", "/hub/api/users/" + user + "/tokens",
                                "{\"note\": \"automation\"}", HubProcess.ADMIN_TOKEN);
                        if (token.statusCode() == 201) {
                            acknowledged.put(user, HubProcess.JSON.readTree(token.body()).path("token").asText());
                        }
                    } catch (Exception e) {
                        return; // the hub is gone: what it acknowledged is what counts
                    }
                }
                return;
            });
        }
        // Kill in the middle of the burst, once a good number of writes has been acknowledged.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acknowledged.size() < 150 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        hub.kill9();
        killed.set(true);
        writers.shutdown();
        assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        Map<String, String> acked = Map.copyOf(acknowledged);
        assertThat(acked).as("writes acknowledged before the kill").hasSizeGreaterThanOrEqualTo(100);

        hub.start();
        List<String> missingUsers = acked.keySet().stream().filter(u -> status(hub, "/hub/api/users/" + u,
                HubProcess.ADMIN_TOKEN) != 200).sorted().toList();
        List<String> deadTokens = acked.entrySet().stream().filter(e -> status(hub, "/hub/api/user", e.getValue()) != 200)
                .map(Map.Entry::getKey).sorted().toList();
        assertThat(missingUsers).as("acknowledged users missing after kill -9 (of %d)", acked.size()).isEmpty();
        assertThat(deadTokens).as("acknowledged tokens that no longer work (of %d)", acked.size()).isEmpty();
    }

    private static int status(HubProcess hub, String path, String token) {
        try {
            return hub.call("GET", path, null, token).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
