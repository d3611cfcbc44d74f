package io.notebookhub.spawner.kubernetes;

import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.IMAGE;
import static io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig.NAMESPACE;
import static io.notebookhub.spawner.kubernetes.SpawnerFlows.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.SpawnedServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Spawns {@code bench.users} (500) users at once against the mock API server, with the stand-in kubelet
 * making pods ready at once, then restarts the spawner and adopts them all. Not part of the normal run:
 * {@code bench/spawn/run.sh} enables it with {@code -Dbench.spawn=true}. Results go to
 * {@code spawner/target/bench-spawn.md}.
 */
@EnableKubernetesMockClient(crud = true)
@EnabledIfSystemProperty(named = "bench.spawn", matches = "true")
class SpawnBenchmarkTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void spawnsFiveHundredUsersConcurrentlyWithoutErrorsAndAConstantNumberOfApiCalls() throws Exception {
        int users = Integer.getInteger("bench.users", 500);
        int waves = Integer.getInteger("bench.waves", 2);
        Vertx vertx = Vertx.vertx();
        KubernetesSpawnerConfig config = KubernetesSpawnerConfig.builder().set(NAMESPACE, "bench")
                .set(IMAGE, "jupyter/base-notebook:bench").build();
        MockKubelet kubelet = new MockKubelet(client, "bench").withoutEvents().start();
        KubernetesSpawner spawner = new KubernetesSpawner(vertx, client, config);
        join(spawner.open());
        long heapBefore = usedHeapAfterGc();
        StringBuilder report = new StringBuilder("# Spawn benchmark (mock API server, stand-in kubelet)\n\n");
        report.append("Per spawn: *to pod created* is the hub's own work (PVC + pod written); *to ready* adds the wait "
                + "for the stand-in kubelet (sharing the same 2 CPUs) and the watch event.\n\n");
        report.append("| wave | users | errors | to pod created median / p99 ms | to ready median / p99 / max ms "
                + "| wall s | hub API calls/spawn | all API requests/spawn |\n|---|---|---|---|---|---|---|---|\n");
        Map<ServerId, Map<String, Object>> known = new HashMap<>();
        for (int wave = 1; wave <= waves; wave++) {
            long hubCallsBefore = spawner.apiCallCount();
            int requestsBefore = server.getRequestCount();
            List<Long> millis = Collections.synchronizedList(new ArrayList<>());
            List<Long> created = Collections.synchronizedList(new ArrayList<>());
            Map<String, String> errors = new ConcurrentHashMap<>();
            List<Future<SpawnedServer>> spawns = new ArrayList<>();
            long wallStart = System.nanoTime();
            for (int i = 0; i < users; i++) {
                ServerId id = ServerId.defaultServer("user" + wave + "-" + i + (i % 3 == 0 ? "@Example.org" : ""));
                long t0 = System.nanoTime();
                spawns.add(spawner.start(TestProfiles.request(id, TestProfiles.small(), Duration.ofMinutes(10)),
                        p -> {
                            if (p.message().startsWith("Pod ")) {
                                created.add((System.nanoTime() - t0) / 1_000_000);
                            }
                        }).onComplete(ar -> {
                            millis.add((System.nanoTime() - t0) / 1_000_000);
                            if (ar.failed()) {
                                errors.put(id.user(), String.valueOf(ar.cause().getMessage()));
                            } else {
                                synchronized (known) {
                                    known.put(id, ar.result().state());
                                }
                            }
                        }));
            }
            join(Future.join(spawns).otherwiseEmpty());
            double wall = (System.nanoTime() - wallStart) / 1e9;
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            List<Long> sortedCreated = new ArrayList<>(created);
            Collections.sort(sortedCreated);
            report.append(String.format("| %d | %d | %d | %d / %d | %d / %d / %d | %.1f | %.2f | %.2f |%n", wave,
                    users, errors.size(), percentile(sortedCreated, 50), percentile(sortedCreated, 99),
                    percentile(sorted, 50), percentile(sorted, 99), sorted.get(sorted.size() - 1), wall,
                    (spawner.apiCallCount() - hubCallsBefore) / (double) users,
                    (server.getRequestCount() - requestsBefore) / (double) users));
            assertThat(errors).as("spawn errors").isEmpty();
        }
        long heapAfter = usedHeapAfterGc();
        report.append(String.format("%nHeap used after GC: %.1f MiB before spawning, %.1f MiB with %d running servers "
                        + "(%.1f KiB per server, mock API server's stored objects and recorded requests included).%n",
                heapBefore / 1048576.0, heapAfter / 1048576.0, known.size(),
                (heapAfter - heapBefore) / 1024.0 / known.size()));

        spawner.close();
        long restart = System.nanoTime();
        KubernetesSpawner restarted = new KubernetesSpawner(vertx, client, config);
        join(restarted.open());
        Map<ServerId, SpawnedServer> adopted = SpawnerFlows.adopted(restarted, known, Duration.ofMinutes(2));
        double adoptSeconds = (System.nanoTime() - restart) / 1e9;
        report.append(String.format("%nHub restart: informer sync + reconcile of %d running servers took %.2f s; "
                + "%d adopted with their pod IPs, %d API calls.%n", known.size(), adoptSeconds, adopted.size(),
                restarted.apiCallCount()));
        assertThat(adopted).hasSize(known.size());

        restarted.close();
        kubelet.close();
        join(vertx.close());
        Path out = Path.of("target", "bench-spawn.md");
        write(out, report.toString());
        System.out.println(report);
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static void write(Path out, String text) throws IOException {
        Files.createDirectories(out.getParent());
        Files.writeString(out, text);
    }
}
