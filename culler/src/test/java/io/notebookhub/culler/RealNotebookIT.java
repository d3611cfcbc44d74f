package io.notebookhub.culler;

import static io.notebookhub.culler.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The activity policy against a real notebook server (Jupyter Notebook 6.4 from Debian): a kernel running a
 * long quiet cell keeps the server with no traffic at all; once interrupted, the same server is culled.
 * Skipped where {@code jupyter} is not installed.
 */
class RealNotebookIT {
    private static final Duration SLOW = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private Process notebook;
    private Vertx vertx;
    private WebClient http;
    private WebSocket channels;
    private String token;
    private int port;

    @BeforeEach
    void startNotebook() throws Exception {
        assumeTrue(Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .anyMatch(p -> Files.isExecutable(Path.of(p, "jupyter"))), "jupyter is not installed");
        token = UUID.randomUUID().toString();
        Path runtime = Files.createDirectories(dir.resolve("runtime"));
        Path work = Files.createDirectories(dir.resolve("work"));
        ProcessBuilder pb = new ProcessBuilder("jupyter", "notebook", "--allow-root", "--no-browser", "--port", "0",
                "--ip", "127.0.0.1", "--NotebookApp.token=" + token, "--notebook-dir=" + work)
                .redirectErrorStream(true).redirectOutput(dir.resolve("notebook.log").toFile());
        pb.environment().put("JUPYTER_RUNTIME_DIR", runtime.toString());
        notebook = pb.start();
        // With --port 0, notebook 6.4 prints and records port 0; the port it bound is read from /proc.
        AtomicReference<Integer> bound = new AtomicReference<>();
        await().atMost(SLOW).until(() -> {
            assertThat(notebook.isAlive()).as(Files.readString(dir.resolve("notebook.log"))).isTrue();
            bound.set(listeningPort(notebook.pid()));
            return bound.get() != null;
        });
        port = bound.get();
        vertx = Vertx.vertx();
        http = WebClient.create(vertx);
    }

    @AfterEach
    void stopNotebook() throws Exception {
        if (vertx != null) {
            await(vertx.close());
        }
        if (notebook != null) {
            notebook.descendants().forEach(ProcessHandle::destroy);
            notebook.destroy();
            notebook.waitFor();
        }
    }

    /** The TCP port a process listens on, from its socket inodes in /proc (Linux), or null while it has none. */
    private static Integer listeningPort(long pid) throws Exception {
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        assumeTrue(Files.isDirectory(fds), "no /proc to find the notebook's port in");
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> links = Files.list(fds)) {
            links.forEach(l -> {
                try {
                    String target = Files.readSymbolicLink(l).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (Exception closedMeanwhile) {
                    // an fd can close between list and read
                }
            });
        }
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals("0A") && inodes.contains(f[9])) {
                    return Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                }
            }
        }
        return null;
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    @Test
    void aBusyKernelOnARealServerKeepsItAndAnIdleOneDoesNot() throws Exception {
        String kernel = await(http.post(port, "127.0.0.1", "/api/kernels").putHeader("Authorization", "token " + token)
                .sendJsonObject(new JsonObject().put("name", "python3"))).bodyAsJsonObject().getString("id");
        ServerStateReader reader = ServerStateReader.http(vertx, Duration.ofSeconds(30));
        connect(kernel);
        // A cell sent before the kernel is up can run without the server ever reporting it busy (see README).
        // The server's activity watcher can join the kernel's IOPub stream after its only status message went
        // by (a ZMQ slow joiner) and then reports "starting" forever; each poll asks the kernel for its info,
        // which it answers with fresh busy/idle status messages.
        await().atMost(SLOW).pollInterval(Duration.ofSeconds(1)).until(() -> {
            boolean idle = await(reader.read(base(), token)).kernels().stream()
                    .anyMatch(k -> "idle".equals(k.executionState()));
            if (!idle) {
                send("kernel_info_request", new JsonObject());
            }
            return idle;
        });
        execute("import time; time.sleep(600)");
        await().atMost(SLOW).until(() -> await(reader.read(base(), token)).anyKernelBusy());

        ServerState busy = await(reader.read(base(), token));
        assertThat(busy.kernels()).singleElement().satisfies(k -> {
            assertThat(k.id()).isEqualTo(kernel);
            assertThat(k.connections()).isEqualTo(1);
            assertThat(k.lastActivity()).isNotNull();
        });
        Instant started = Instant.now().minus(Duration.ofHours(3));
        ServerFacts facts = new ServerFacts("alice", "", "gpu", false, started, started, started, started, null,
                base(), token);
        assertThat(round(facts, reader).culled()).as("busy kernel, no traffic for hours").isEmpty();

        await(http.post(port, "127.0.0.1", "/api/kernels/" + kernel + "/interrupt")
                .putHeader("Authorization", "token " + token).send());
        await().atMost(SLOW).until(() -> !await(reader.read(base(), token)).anyKernelBusy());

        assertThat(round(facts, reader).culled()).extracting(CullReport.CulledServer::reason)
                .singleElement().asString().matches("idle \\d+ s > 3600 s, profile gpu");
    }

    /** A round two hours ahead of the real clock, so the kernel's own activity is old by then. */
    private CullReport round(ServerFacts facts, ServerStateReader reader) throws Exception {
        FakeTarget target = new FakeTarget();
        target.servers.add(facts);
        MutableClock later = new MutableClock(Instant.now().plus(Duration.ofHours(2)));
        return await(Culler.builder(vertx, target).clock(later).stateReader(reader).build().runOnce());
    }

    private void connect(String kernel) throws Exception {
        WebSocketClient client = vertx.createWebSocketClient();
        channels = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/api/kernels/" + kernel + "/channels").addHeader("Authorization", "token " + token)));
    }

    private void execute(String code) throws Exception {
        send("execute_request", new JsonObject().put("code", code).put("silent", false).put("store_history", false)
                .put("user_expressions", new JsonObject()).put("allow_stdin", false));
    }

    private void send(String type, JsonObject content) throws Exception {
        JsonObject header = new JsonObject().put("msg_id", UUID.randomUUID().toString()).put("username", "culler-it")
                .put("session", UUID.randomUUID().toString()).put("msg_type", type).put("version", "5.3");
        await(channels.writeTextMessage(new JsonObject().put("header", header).put("parent_header", new JsonObject())
                .put("metadata", new JsonObject()).put("content", content).put("channel", "shell")
                .put("buffers", List.of()).encode()));
    }
}
