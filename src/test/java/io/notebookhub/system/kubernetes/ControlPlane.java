package io.notebookhub.system.kubernetes;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.notebookhub.system.HubProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver, kube-controller-manager and kube-scheduler,
 * the binaries {@code .ci/install-tools} builds from the pinned Kubernetes release into {@code .tools/kubernetes/bin}.
 * The API server runs with client-certificate and service-account authentication, {@code Node,RBAC}
 * authorization and its default admission plugins, so it refuses what a cluster would. There is no kubelet here:
 * {@link ProcessKubelet} plays the nodes.
 */
public final class ControlPlane implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);
    /** The binaries are built from this release (src/test/controlplane/kubernetes/go.mod pins the same). */
    public static final String RELEASE = "v1.37.2";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final Pki pki;
    private final Deque<Process> processes = new ArrayDeque<>();
    private int apiPort;
    private KubernetesClient admin;
    private List<String> apiServerCommand;
    private Process apiServer;
    private String etcdUrl;

    private final List<String> extraApiServerFlags;

    private ControlPlane(Path dir, List<String> extraApiServerFlags) throws IOException {
        this.dir = dir;
        this.extraApiServerFlags = List.copyOf(extraApiServerFlags);
        this.pki = Pki.create(dir.resolve("pki"));
    }

    public static Path binaries() {
        return HubProcess.repo().resolve(".tools/kubernetes/bin");
    }

    /** Starts every component and waits until the API server is ready and the default service account exists. */
    public static ControlPlane start(Path dir) throws IOException {
        return start(dir, List.of());
    }

    /** The same, with more kube-apiserver flags (e.g. an audit log for counting a client's API calls). */
    public static ControlPlane start(Path dir, List<String> extraApiServerFlags) throws IOException {
        Path bin = binaries();
        for (String name : List.of("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler")) {
            if (!Files.isExecutable(bin.resolve(name))) {
                throw new IllegalStateException(bin.resolve(name) + " is missing: run `bash .ci/install-tools`, which"
                        + " builds the control plane of Kubernetes " + RELEASE);
            }
        }
        ControlPlane plane = new ControlPlane(dir, extraApiServerFlags);
        try {
            plane.startAll();
        } catch (RuntimeException | IOException e) {
            plane.close();
            throw e;
        }
        return plane;
    }

    private void startAll() throws IOException {
        Path bin = binaries();
        launchOnFreePorts("etcd", () -> {
            int etcdClient = HubProcess.freePort();
            int etcdPeer = HubProcess.freePort();
            etcdUrl = "http://127.0.0.1:" + etcdClient;
            return List.of(bin.resolve("etcd").toString(), "--name=default",
                    "--data-dir=" + dir.resolve("etcd"),
                    "--listen-client-urls=" + etcdUrl, "--advertise-client-urls=" + etcdUrl,
                    "--listen-peer-urls=http://127.0.0.1:" + etcdPeer,
                    "--initial-advertise-peer-urls=http://127.0.0.1:" + etcdPeer,
                    "--initial-cluster=default=http://127.0.0.1:" + etcdPeer,
                    "--listen-metrics-urls=http://127.0.0.1:" + HubProcess.freePort(),
                    // A test cluster lives for minutes; fsync per write would only slow every API call.
                    "--unsafe-no-fsync=true", "--log-level=warn");
        });
        apiServer = launchOnFreePorts("kube-apiserver", () -> {
            apiPort = HubProcess.freePort();
            apiServerCommand = apiServerCommand(bin);
            return apiServerCommand;
        });

        Path kubeconfig = writeAdminKubeconfig();
        admin = new KubernetesClientBuilder().withConfig(adminConfig()).build();
        awaitApiServer();

        launchOnFreePorts("kube-controller-manager", () -> List.of(
                bin.resolve("kube-controller-manager").toString(),
                "--kubeconfig=" + kubeconfig, "--authentication-kubeconfig=" + kubeconfig,
                "--authorization-kubeconfig=" + kubeconfig,
                "--bind-address=127.0.0.1", "--secure-port=" + HubProcess.freePort(), "--leader-elect=false",
                "--use-service-account-credentials=true",
                "--service-account-private-key-file=" + pki.serviceAccountKey(),
                "--root-ca-file=" + pki.caCert(), "--cluster-name=notebook-hub-test", "--v=1"));
        launchOnFreePorts("kube-scheduler", () -> List.of(bin.resolve("kube-scheduler").toString(),
                "--kubeconfig=" + kubeconfig, "--authentication-kubeconfig=" + kubeconfig,
                "--authorization-kubeconfig=" + kubeconfig,
                "--bind-address=127.0.0.1", "--secure-port=" + HubProcess.freePort(), "--leader-elect=false",
                "--v=1"));
        // The service-account controller creates "default" in each namespace; pods are refused until it exists.
        await("the default service account").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> admin.serviceAccounts().inNamespace("default").withName("default").get() != null);
        log.info("Kubernetes {} control plane ready at {}", RELEASE, apiUrl());
    }

    private List<String> apiServerCommand(Path bin) {
        String issuer = "https://kubernetes.default.svc.cluster.local";
        List<String> command = new ArrayList<>(List.of(bin.resolve("kube-apiserver").toString(),
                "--etcd-servers=" + etcdUrl,
                "--bind-address=127.0.0.1", "--secure-port=" + apiPort, "--advertise-address=127.0.0.1",
                // The API server refuses to publish a loopback address as the kubernetes Service's endpoint; nothing
                // here reaches the API through that Service (the hub runs outside with a kubeconfig).
                "--endpoint-reconciler-type=none",
                "--tls-cert-file=" + pki.apiServerCert(), "--tls-private-key-file=" + pki.apiServerKey(),
                "--client-ca-file=" + pki.caCert(),
                "--service-account-issuer=" + issuer, "--api-audiences=" + issuer,
                "--service-account-key-file=" + pki.serviceAccountPublicKey(),
                "--service-account-signing-key-file=" + pki.serviceAccountKey(),
                "--authorization-mode=Node,RBAC",
                "--enable-admission-plugins=NodeRestriction",
                "--service-cluster-ip-range=10.96.0.0/16",
                "--cert-dir=" + dir.resolve("apiserver-certs"),
                "--profiling=false", "--v=1"));
        command.addAll(extraApiServerFlags);
        return List.copyOf(command);
    }

    private void awaitApiServer() {
        await("the API server to be ready").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> "ok".equals(admin.raw(apiUrl() + "/readyz")));
    }

    /** Kills the API server (SIGKILL): every watch breaks. */
    public void killApiServer() throws InterruptedException {
        apiServer.destroyForcibly().waitFor();
        processes.remove(apiServer);
    }

    /** Starts the API server again on the same port and store, after {@link #killApiServer()}. */
    public void startApiServer() throws IOException {
        apiServer = launch("kube-apiserver", apiServerCommand);
        awaitApiServer();
    }

    /**
     * Launches a component on the ports its command picks, and once more on others if one was taken meanwhile: a
     * free port is free only until someone binds it, and any outgoing connection on this machine may take it as
     * its own end (seen: the API server's port taken between its choice and the bind).
     */
    private Process launchOnFreePorts(String name, CommandOnFreePorts command) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return launch(name, command.pick());
            } catch (IllegalStateException e) {
                if (attempt == 3 || !e.getMessage().contains("address already in use")) {
                    throw e;
                }
                log.warn("{} found a port taken; starting it on others: {}", name, e.getMessage());
            }
        }
    }

    /** A component's command line, on ports it picks each time it is asked. */
    private interface CommandOnFreePorts {
        List<String> pick() throws IOException;
    }

    private Process launch(String name, List<String> command) throws IOException {
        Path logFile = dir.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        processes.push(process);
        // Fail fast with the component's own words if it exits at once (bad flag, port taken).
        try {
            if (process.waitFor(1, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail(logFile));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return process;
    }

    public String apiUrl() {
        return "https://127.0.0.1:" + apiPort;
    }

    public int apiPort() {
        return apiPort;
    }

    /**
     * Compacts etcd's history up to its current revision (as the API server's own compactor does every five
     * minutes), so a watch that asks to resume from an older resourceVersion is answered 410 Gone once the API
     * server's watch cache no longer holds it (e.g. after {@link #killApiServer()} and {@link #startApiServer()}).
     * Returns the revision compacted to. Uses etcd's JSON gateway; no etcdctl is needed.
     */
    public long compactEtcd() throws IOException, InterruptedException {
        var http = java.net.http.HttpClient.newHttpClient();
        var range = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(etcdUrl + "/v3/kv/range"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"key\": \"AA==\", \"limit\": 1}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        long revision = HubProcess.JSON.readTree(range.body()).path("header").path("revision").asLong();
        if (range.statusCode() != 200 || revision == 0) {
            throw new IOException("etcd did not tell its revision: " + range.statusCode() + " " + range.body());
        }
        var compact = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(etcdUrl + "/v3/kv/compaction"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"revision\": \"" + revision + "\", \"physical\": true}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        if (compact.statusCode() != 200) {
            throw new IOException("etcd refused to compact: " + compact.statusCode() + " " + compact.body());
        }
        log.info("etcd compacted to revision {}", revision);
        return revision;
    }

    public Path caCert() {
        return pki.caCert();
    }

    /** A client with cluster-admin rights (the system:masters group), for test setup and assertions. */
    public KubernetesClient admin() {
        return admin;
    }

    public Config adminConfig() {
        return new ConfigBuilder(Config.empty()).withMasterUrl(apiUrl()).withCaCertFile(pki.caCert().toString())
                .withClientCertFile(pki.adminCert().toString()).withClientKeyFile(pki.adminKey().toString())
                .withRequestTimeout(30_000).build();
    }

    /** A kubeconfig file for cluster-admin, for helm and the control plane's own components. */
    public Path adminKubeconfig() {
        return dir.resolve("admin.kubeconfig");
    }

    private Path writeAdminKubeconfig() throws IOException {
        return writeKubeconfig(adminKubeconfig(), "admin",
                "    client-certificate: " + pki.adminCert() + "\n    client-key: " + pki.adminKey() + "\n", "default");
    }

    /** A kubeconfig that authenticates with a bearer token, e.g. a service account's from the TokenRequest API. */
    public Path tokenKubeconfig(Path file, String token, String namespace) throws IOException {
        return tokenKubeconfig(file, token, namespace, apiUrl());
    }

    /** The same, reaching the API server at another URL, e.g. through a {@link TcpRelay} a test can cut. */
    public Path tokenKubeconfig(Path file, String token, String namespace, String server) throws IOException {
        return writeKubeconfig(file, "token", "    token: " + token + "\n", namespace, server);
    }

    private Path writeKubeconfig(Path file, String user, String credentials, String namespace) throws IOException {
        return writeKubeconfig(file, user, credentials, namespace, apiUrl());
    }

    private Path writeKubeconfig(Path file, String user, String credentials, String namespace, String server)
            throws IOException {
        String text = "apiVersion: v1\nkind: Config\n"
                + "clusters:\n- name: test\n  cluster:\n    server: " + server + "\n"
                + "    certificate-authority: " + pki.caCert() + "\n"
                + "users:\n- name: " + user + "\n  user:\n" + credentials
                + "contexts:\n- name: test\n  context:\n    cluster: test\n    user: " + user + "\n"
                + "    namespace: " + namespace + "\n"
                + "current-context: test\n";
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** The last lines a component logged, for failure messages. */
    public String logTail(String component) {
        return tail(dir.resolve(component + ".log"));
    }

    /** The component's errors (klog's E and F lines), or its last lines when it logged none. */
    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            List<String> errors = lines.stream().filter(l -> l.startsWith("E") || l.startsWith("F")).toList();
            List<String> shown = errors.isEmpty() ? lines : errors;
            return String.join("\n", shown.subList(Math.max(0, shown.size() - 30), shown.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        List<Process> stopping = new ArrayList<>(processes);
        processes.clear();
        for (Process p : stopping) {
            p.destroy();
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
