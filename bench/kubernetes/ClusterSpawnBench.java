import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.notebookhub.system.HubProcess;
import io.notebookhub.system.kubernetes.ControlPlane;
import io.notebookhub.system.kubernetes.ProcessKubelet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * N concurrent spawns on a real control plane with the process kubelet: Notebook Hub against JupyterHub 5 with
 * KubeSpawner 7, one after the other on the same cluster, the same nodes and the same notebook command. Each hub
 * talks to the API server as its own ServiceAccount (the {@code admin} role in its own namespace), so the API
 * server's audit log tells its calls from the kubelet's. A spawn's time runs from its POST to the moment its route
 * is in the hub's proxy (polled every 100 ms through configurable-http-proxy's REST API, which both proxies speak).
 * Run by bench/kubernetes/run.sh; not a test.
 */
public class ClusterSpawnBench {
    static final ObjectMapper JSON = new ObjectMapper();
    // HTTP/1.1: the client's default h2c upgrade header makes configurable-http-proxy take a GET for a WebSocket.
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    static final String ADMIN_TOKEN = "bench-admin-token-0123456789abcdef";
    static final String PROXY_TOKEN = "bench-proxy-token-0123456789abcdef";
    static final Duration ALL_ROUTED = Duration.ofMinutes(15);

    record Hub(Process process, int hubPort, int proxyPort, int proxyApiPort, Path proxyPidFile) {}

    record Result(String name, List<Double> seconds, int failed, long apiCalls, Map<String, Long> calls,
                  double hubCpu, double proxyCpu, long hubRssKb, long hubPeakKb, long proxyRssKb, int reached) {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        String singleUser = args.length > 1 ? args[1] : HubProcess.repo()
                .resolve(".tools/jupyter/bin/jupyterhub-singleuser").toString();
        Path work = Files.createTempDirectory("bench-kubernetes");
        // The notebook processes run as uid 1000 and must reach their homes under this folder.
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        Path audit = work.resolve("audit.log");
        Path policy = Files.writeString(work.resolve("audit-policy.yaml"), """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [RequestReceived, ResponseStarted]
                rules:
                - level: Metadata
                """);
        System.err.println("bench folder: " + work);
        try (ControlPlane cluster = ControlPlane.start(work.resolve("cluster"), List.of(
                "--audit-policy-file=" + policy, "--audit-log-path=" + audit, "--audit-log-maxsize=0"));
             ProcessKubelet kubelet = nodes(cluster.admin(), work, n)) {
            List<Result> results = new ArrayList<>();
            results.add(run("Notebook Hub", "bench-nbhub", cluster, audit, n,
                    kubeconfig -> startNotebookHub(work.resolve("nbhub"), kubeconfig, singleUser)));
            results.add(run("JupyterHub 5 + KubeSpawner 7", "bench-jh", cluster, audit, n,
                    kubeconfig -> startJupyterHub(work.resolve("jh"), kubeconfig, singleUser)));
            print(n, results);
        }
    }

    static ProcessKubelet nodes(KubernetesClient admin, Path work, int n) throws IOException {
        // Pod IPs apart from the tests (127.0.1.N; 127.0.2-201.N for the cluster tests): it can run beside them.
        ProcessKubelet kubelet = new ProcessKubelet(admin, work.resolve("kubelet")).podNetwork("127.0.240.");
        for (int i = 0; i <= n / 100; i++) {
            kubelet.addNode("node-" + i, Map.of("pool", "cpu"), Map.of("cpu", "256", "memory", "1Ti"), List.of());
        }
        return kubelet.start();
    }

    interface Starter {
        Hub start(Path kubeconfig) throws Exception;
    }

    static Result run(String name, String namespace, ControlPlane cluster, Path audit, int n, Starter starter)
            throws Exception {
        KubernetesClient admin = cluster.admin();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .create();
        admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("hub").endMetadata().build()).create();
        admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("hub").endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole").withName("admin").endRoleRef().addNewSubject().withKind("ServiceAccount")
                .withName("hub").withNamespace(namespace).endSubject().build()).create();
        String token = admin.serviceAccounts().inNamespace(namespace).withName("hub")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(7200L).endSpec().build())
                .getStatus().getToken();
        Path kubeconfig = cluster.tokenKubeconfig(Files.createDirectories(audit.resolveSibling(namespace))
                .resolve("kubeconfig"), token, namespace);
        String account = "system:serviceaccount:" + namespace + ":hub";

        Hub hub = starter.start(kubeconfig);
        try {
            String base = "http://127.0.0.1:" + hub.hubPort();
            List<String> users = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                users.add("b" + i);
            }
            HttpResponse<String> created = call("POST", base + "/hub/api/users",
                    JSON.writeValueAsString(Map.of("usernames", users)));
            check(created.statusCode() == 201, "creating users: " + created.statusCode() + " " + created.body());
            Thread.sleep(3000);
            long auditBefore = lines(audit);
            double[] cpuBefore = {cpuSeconds(hub.process().pid()), cpuSeconds(proxyPid(hub))};

            Map<String, Long> started = new ConcurrentHashMap<>();
            Map<String, Long> routed = new ConcurrentHashMap<>();
            List<CompletableFuture<Integer>> posts = new ArrayList<>();
            for (String user : users) {
                started.put(user, System.nanoTime());
                posts.add(HTTP.sendAsync(request("POST", base + "/hub/api/users/" + user + "/server", "{}")
                                .timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofString())
                        .thenApply(r -> {
                            if (r.statusCode() >= 400) {
                                System.err.println("spawn refused: " + r.statusCode() + " " + r.body());
                            }
                            return r.statusCode();
                        }).exceptionally(e -> -1));
            }
            long deadline = System.nanoTime() + ALL_ROUTED.toNanos();
            String routes = "http://127.0.0.1:" + hub.proxyApiPort() + "/api/routes";
            while (routed.size() < n && System.nanoTime() < deadline) {
                JsonNode table;
                try {
                    table = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(routes))
                            .header("Authorization", "token " + PROXY_TOKEN).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                } catch (IOException e) {
                    // A proxy busy with the spawns may drop one poll: ask again.
                    System.err.println(name + ": polling the routes: " + e);
                    Thread.sleep(100);
                    continue;
                }
                long now = System.nanoTime();
                for (String user : users) {
                    // configurable-http-proxy lists routes without their trailing slash.
                    if (table.has("/user/" + user + "/") || table.has("/user/" + user)) {
                        routed.putIfAbsent(user, now);
                    }
                }
                long failed = posts.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join)
                        .filter(code -> code < 0 || code >= 400).count();
                if (routed.size() + failed >= n) {
                    break;
                }
                Thread.sleep(100);
            }
            double hubCpu = cpuSeconds(hub.process().pid()) - cpuBefore[0];
            double proxyCpu = cpuSeconds(proxyPid(hub)) - cpuBefore[1];
            long[] memory = memoryKb(hub.process().pid());
            long proxyRss = proxyPid(hub) > 0 ? memoryKb(proxyPid(hub))[0] : 0;
            Thread.sleep(2000);
            Map<String, Long> calls = apiCalls(audit, auditBefore, account);
            long apiCalls = calls.values().stream().mapToLong(Long::longValue).sum();

            int reached = 0;
            for (String user : routed.keySet()) {
                try {
                    HttpResponse<String> api = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + hub.proxyPort() + "/user/" + user + "/api")).build(), HttpResponse.BodyHandlers.ofString());
                    reached += api.statusCode() == 200 && api.body().contains("\"version\"") ? 1 : 0;
                } catch (IOException e) {
                    System.err.println(name + ": " + user + " not reached through the proxy: " + e);
                }
            }
            List<Double> seconds = routed.entrySet().stream()
                    .map(e -> (e.getValue() - started.get(e.getKey())) / 1e9).sorted().toList();
            Result result = new Result(name, seconds, n - routed.size(), apiCalls, calls, hubCpu, proxyCpu,
                    memory[0], memory[1], proxyRss, reached);
            System.err.println(name + ": " + result);
            stopAll(base, users, admin, namespace);
            return result;
        } finally {
            stop(hub);
        }
    }

    static void stopAll(String base, List<String> users, KubernetesClient admin, String namespace) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> deletes = new ArrayList<>();
        for (String user : users) {
            deletes.add(HTTP.sendAsync(request("DELETE", base + "/hub/api/users/" + user + "/server", null)
                    .timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!admin.pods().inNamespace(namespace).list().getItems().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
    }

    static Hub startNotebookHub(Path dir, Path kubeconfig, String singleUser) throws Exception {
        // One profile without requests or limits: KubeSpawner's pods carry none either.
        Files.writeString(Files.createDirectories(dir.resolve("profiles")).resolve("default.yaml"),
                "slug: default\ndisplay_name: Default\ndefault: true\n");
        int hubPort = HubProcess.freePort();
        int proxyPort = HubProcess.freePort();
        int apiPort = HubProcess.freePort();
        Path config = Files.writeString(dir.resolve("config.yaml"), """
                hub:
                  ip: 127.0.0.1
                  port: %d
                  connect_url: http://127.0.0.1:%d
                  data_dir: %s
                  profiles_dir: %s
                proxy:
                  ip: 127.0.0.1
                  port: %d
                  api_ip: 127.0.0.1
                  api_port: %d
                  auth_token: %s
                culler:
                  enabled: false
                spawner:
                  type: kubernetes
                  start_timeout: 600
                  kubernetes:
                    namespace: bench-nbhub
                    kubeconfig: %s
                    cmd: [%s]
                    uid: 1000
                    fs_group: 100
                    hub_instance: bench
                """.formatted(hubPort, hubPort, dir.resolve("data"), dir.resolve("profiles"), proxyPort, apiPort,
                PROXY_TOKEN, kubeconfig, singleUser));
        ProcessBuilder pb = new ProcessBuilder(HubProcess.javaBin(), "-jar", HubProcess.jar().toString(),
                "--config", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("hub.log").toFile());
        pb.environment().put("NBHUB_ADMIN_TOKEN", ADMIN_TOKEN);
        Hub hub = new Hub(pb.start(), hubPort, proxyPort, apiPort, null);
        awaitUp(hub, "http://127.0.0.1:" + hubPort + "/hub/health", dir.resolve("hub.log"));
        return hub;
    }

    static Hub startJupyterHub(Path dir, Path kubeconfig, String singleUser) throws Exception {
        Files.createDirectories(dir);
        Path venv = HubProcess.repo().resolve(".tools/bench-kubespawner/bin");
        int hubPort = HubProcess.freePort();
        int proxyPort = HubProcess.freePort();
        int apiPort = HubProcess.freePort();
        ProcessBuilder pb = new ProcessBuilder(venv.resolve("jupyterhub").toString(), "-f",
                HubProcess.repo().resolve("bench/kubernetes/jupyterhub_config.py").toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("hub.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("PATH", venv + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        // Debian's configurable-http-proxy finds its node modules only with NODE_PATH.
        env.put("NODE_PATH", env.getOrDefault("NODE_PATH", "/usr/share/nodejs"));
        env.put("KUBECONFIG", kubeconfig.toString());
        env.putAll(Map.of("BENCH_JH_DIR", dir.toString(), "BENCH_JH_HUB_PORT", "" + hubPort,
                "BENCH_JH_PROXY_PORT", "" + proxyPort, "BENCH_JH_PROXY_API_PORT", "" + apiPort,
                "BENCH_TOKEN", ADMIN_TOKEN, "BENCH_PROXY_TOKEN", PROXY_TOKEN, "BENCH_SINGLEUSER", singleUser,
                "BENCH_NAMESPACE", "bench-jh"));
        Hub hub = new Hub(pb.start(), hubPort, proxyPort, apiPort, dir.resolve("proxy.pid"));
        awaitUp(hub, "http://127.0.0.1:" + hubPort + "/hub/api/", dir.resolve("hub.log"));
        return hub;
    }

    static void awaitUp(Hub hub, String url, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            check(hub.process().isAlive(), "the hub exited:\n" + Files.readString(log));
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("not up: " + url + "\n" + Files.readString(log));
    }

    static void stop(Hub hub) throws Exception {
        long proxy = proxyPid(hub);
        hub.process().destroy();
        if (!hub.process().waitFor(60, TimeUnit.SECONDS)) {
            hub.process().destroyForcibly().waitFor();
        }
        if (proxy > 0) {
            ProcessHandle.of(proxy).ifPresent(ProcessHandle::destroy);
        }
    }

    static long proxyPid(Hub hub) {
        try {
            return hub.proxyPidFile() == null ? -1 : Long.parseLong(Files.readString(hub.proxyPidFile()).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    static HttpRequest.Builder request(String method, String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "token " + ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
    }

    static HttpResponse<String> call(String method, String url, String body) throws Exception {
        return HTTP.send(request(method, url, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** User and system CPU time of a process so far, from /proc (clock ticks of 1/100 s). */
    static double cpuSeconds(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** VmRSS and VmHWM (peak) in KiB. */
    static long[] memoryKb(long pid) throws IOException {
        long rss = 0;
        long hwm = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", ""));
            } else if (line.startsWith("VmHWM:")) {
                hwm = Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return new long[] {rss, hwm};
    }

    static long lines(Path file) throws IOException {
        try (var stream = Files.lines(file)) {
            return stream.count();
        }
    }

    /** The account's API requests logged after the first {@code skip} lines, by verb and resource. */
    static Map<String, Long> apiCalls(Path audit, long skip, String account) throws IOException {
        Map<String, Long> calls = new TreeMap<>();
        try (var stream = Files.lines(audit)) {
            stream.skip(skip).forEach(line -> {
                try {
                    JsonNode event = JSON.readTree(line);
                    if (account.equals(event.path("user").path("username").asText())) {
                        JsonNode ref = event.path("objectRef");
                        String resource = ref.path("resource").asText(event.path("requestURI").asText())
                                + (ref.has("subresource") ? "/" + ref.path("subresource").asText() : "");
                        calls.merge(event.path("verb").asText() + " " + resource, 1L, Long::sum);
                    }
                } catch (IOException e) {
                    // A line cut by the log's rotation: not counted.
                }
            });
        }
        return calls;
    }

    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }

    static void print(int n, List<Result> results) {
        Result ours = results.get(0);
        Result theirs = results.get(1);
        System.out.printf("%n### %d concurrent spawns on a real control plane (process kubelet)%n%n", n);
        System.out.println("| | " + ours.name() + " | " + theirs.name() + " | ratio (JupyterHub / ours) |");
        System.out.println("|---|---|---|---|");
        row("servers routed (of " + n + ")", ours.seconds().size(), theirs.seconds().size(), "%.0f");
        row("reached through the proxy", ours.reached(), theirs.reached(), "%.0f");
        row("request to route, median (s)", percentile(ours.seconds(), 0.5), percentile(theirs.seconds(), 0.5), "%.2f");
        row("request to route, p99 (s)", percentile(ours.seconds(), 0.99), percentile(theirs.seconds(), 0.99), "%.2f");
        row("API server requests per spawn", (double) ours.apiCalls() / n, (double) theirs.apiCalls() / n, "%.2f");
        row("hub CPU during the spawns (s)", ours.hubCpu(), theirs.hubCpu(), "%.1f");
        row("hub + proxy CPU (s)", ours.hubCpu() + ours.proxyCpu(), theirs.hubCpu() + theirs.proxyCpu(), "%.1f");
        row("hub resident memory after (MiB)", ours.hubRssKb() / 1024.0, theirs.hubRssKb() / 1024.0, "%.0f");
        row("hub peak resident memory (MiB)", ours.hubPeakKb() / 1024.0, theirs.hubPeakKb() / 1024.0, "%.0f");
        row("hub + proxy resident memory (MiB)", (ours.hubRssKb() + ours.proxyRssKb()) / 1024.0,
                (theirs.hubRssKb() + theirs.proxyRssKb()) / 1024.0, "%.0f");
        System.out.println();
        for (Result r : results) {
            System.out.println(r.name() + " API requests (all spawns): " + r.calls());
        }
        System.out.println("(Notebook Hub runs its proxy in the hub's JVM; JupyterHub's configurable-http-proxy is a"
                + " separate node process, counted in the \"hub + proxy\" rows.)");
    }

    static void row(String label, double ours, double theirs, String format) {
        System.out.printf("| %s | " + format + " | " + format + " | %.2f |%n", label, ours, theirs,
                ours == 0 ? Double.NaN : theirs / ours);
    }
}
