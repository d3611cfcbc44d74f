package io.notebookhub.spawner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.notebookhub.spawner.SpawnFailedException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadinessTest {
    private final Vertx vertx = Vertx.vertx();
    private final LogWrites logWrites = new LogWrites();
    private final Readiness readiness = new Readiness(vertx, vertx.createHttpClient(), logWrites);

    @TempDir
    Path temp;

    @AfterEach
    void close() throws Exception {
        logWrites.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPortTellsWhetherAnythingListensOnIt() throws Exception {
        int port;
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            port = listening.getLocalPort();
            assertThat(Readiness.refuses(port)).isFalse();
        }
        assertThat(Readiness.refuses(port)).isTrue();
    }

    @Test
    void aServerIsReadyOnlyOnceItAnswersWithoutA5xx() throws Exception {
        int port = freePort();
        AtomicInteger asked = new AtomicInteger();
        // Listens only after half a second, then answers 503 twice: what a server still starting up looks like.
        vertx.setTimer(500, t -> vertx.createHttpServer().requestHandler(req -> {
            assertThat(req.path()).isEqualTo("/user/ann/api");
            req.response().setStatusCode(asked.incrementAndGet() <= 2 ? 503 : 200).end("{}");
        }).listen(port, "127.0.0.1"));

        await(readiness.await(ProcessHandle.current().pid(), null, port, "/user/ann/", log(), Duration.ofSeconds(20)));

        assertThat(asked).hasValue(3);
    }

    @Test
    void aServerProcessThatExitsFailsTheWaitWithTheEndOfItsLog() throws Exception {
        Process exiting = new ProcessBuilder("sh", "-c", "sleep 0.3").start();
        Path log = log();
        Files.writeString(log, "ImportError: no module named notebook\n");

        assertThatThrownBy(() -> await(readiness.await(exiting.pid(), null, freePort(), "/user/bob/", log,
                Duration.ofSeconds(20))))
                .isInstanceOf(SpawnFailedException.class)
                .hasMessageContaining("exited during start-up").hasMessageContaining("no module named notebook");
    }

    @Test
    void aServerThatNeverListensFailsAtTheTimeout() {
        assertThatThrownBy(() -> await(readiness.await(ProcessHandle.current().pid(), null, freePort(), "/user/cy/",
                temp.resolve("none.log"), Duration.ofSeconds(1))))
                .isInstanceOf(SpawnFailedException.class).hasMessageContaining("did not answer within 1 s");
    }

    @Test
    void aServerThatWritesToItsLogIsLookedAtWithoutWaitingForTheTimer() throws Exception {
        // A timer that would look again only after an hour: the wait can end only by hearing the log.
        Readiness heardOnly = new Readiness(vertx, vertx.createHttpClient(), logWrites, Duration.ofHours(1).toMillis());
        int port = freePort();
        Path log = log();
        Files.writeString(log, "");
        Future<Void> ready = heardOnly.await(ProcessHandle.current().pid(), null, port, "/user/dee/", log,
                Duration.ofSeconds(30));
        Thread.sleep(200);
        assertThat(ready.isComplete()).as("no look before the server listens").isFalse();
        await(vertx.createHttpServer().requestHandler(req -> req.response().end("{}")).listen(port, "127.0.0.1")
                .mapEmpty());

        Files.writeString(log, "Jupyter Server is running at: http://127.0.0.1:" + port + "/user/dee/\n",
                StandardOpenOption.APPEND);

        await(ready);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> logWrites.watchedFolders() == 0);
    }

    @Test
    void aPortThatAnswersFromAnotherProcessIsNotTheServer() throws Exception {
        // The server (a process that never listens) was given a port that something else took before it could bind:
        // here this test's JVM answers on it. Routing the user there would give their traffic to another process.
        Process server = new ProcessBuilder("sleep", "30").start();
        try {
            int port = freePort();
            await(vertx.createHttpServer().requestHandler(req -> req.response().end("{}")).listen(port, "127.0.0.1")
                    .mapEmpty());

            assertThatThrownBy(() -> await(readiness.await(server.pid(), null, port, "/user/eve/", log(),
                    Duration.ofSeconds(2))))
                    .isInstanceOf(SpawnFailedException.class)
                    .hasMessageContaining("port " + port + " answered, but from a process other than the server's");
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void aPortHeldByAProcessCarryingTheServersMarkerIsTheServer() throws Exception {
        int port = freePort();
        String marker = "readiness-test." + ProcessHandle.current().pid() + "." + port;
        // A wrapper that leaves the server behind: the listener is not the launched process nor its child, but it
        // carries the server's marker in its environment.
        ProcessBuilder listener = new ProcessBuilder("python3", "-c", "import socket,time\n"
                + "s=socket.socket(); s.bind(('127.0.0.1'," + port + ")); s.listen(5)\n"
                + "while True:\n    c,_=s.accept(); c.recv(4096); c.sendall(b'HTTP/1.1 200 OK\\r\\nContent-Length: 2"
                + "\\r\\nConnection: close\\r\\n\\r\\n{}'); c.close()");
        listener.environment().put(ServerProcesses.MARKER_ENV, marker);
        Process listening = listener.start();
        Process launched = new ProcessBuilder("sleep", "30").start();
        try {
            await(readiness.await(launched.pid(), marker, port, "/user/fay/", log(), Duration.ofSeconds(20)));
        } finally {
            listening.destroyForcibly();
            launched.destroyForcibly();
        }
    }

    private Path log() {
        return temp.resolve("server.log");
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static void await(Future<Void> future) throws Exception {
        try {
            future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }
}
