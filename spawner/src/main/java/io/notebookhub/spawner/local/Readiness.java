package io.notebookhub.spawner.local;

import io.notebookhub.spawner.SpawnFailedException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Waits until a server process answers on its port, for a fresh spawn and for one adopted mid-start. */
final class Readiness {
    /**
     * A notebook server answers about a second after it is launched. Until its port takes connections each look is
     * one non-blocking connect on loopback, refused within the call; an HTTP request is made only once the port takes
     * connections. Through the HTTP client a refused look cost ~0.8 ms of event-loop time (~30 ms a spawn at one look
     * per 25 ms), the connect alone ~0.35 ms on a busy 2-core machine. Besides the timer, a look is taken each time the
     * server writes to its log ({@link LogWrites}): it logs as it starts listening, so the timer is what finds a
     * server that logs elsewhere. One look per 20 ms in the first seconds keeps that within about a per cent of the
     * server's own start-up, and 30 servers starting at once within half a core; backing off later keeps a slow start
     * from costing anything.
     */
    private static final long FAST_POLL_MS = 20;
    private static final long FAST_POLL_FOR_NANOS = Duration.ofSeconds(10).toNanos();
    private static final long SLOW_POLL_MS = 200;
    private static final long PROBE_IDLE_MS = 2000;
    /** Whether the process still lives is read from /proc: not at every look. */
    private static final long ALIVE_CHECK_NANOS = Duration.ofMillis(100).toNanos();
    /** Where the local spawner's servers listen ({@code --ip=127.0.0.1}). */
    private static final InetAddress LOCALHOST = new InetSocketAddress("127.0.0.1", 0).getAddress();

    private final Vertx vertx;
    private final HttpClient http;
    private final LogWrites logWrites;
    private final long fastPollMillis;

    Readiness(Vertx vertx, HttpClient http, LogWrites logWrites) {
        this(vertx, http, logWrites, FAST_POLL_MS);
    }

    /** @param fastPollMillis the timer's pause in a start's first seconds (tests make it long to hear the log alone) */
    Readiness(Vertx vertx, HttpClient http, LogWrites logWrites, long fastPollMillis) {
        this.vertx = vertx;
        this.http = http;
        this.logWrites = logWrites;
        this.fastPollMillis = fastPollMillis;
    }

    /**
     * Polls {@code <prefix>api} until the server answers with a non-5xx status, the process dies, or time is up;
     * a failure message quotes the end of {@code logFile}. An answer counts only when the listening socket of the port
     * is held by the server's process, a process it started, or one carrying its {@code marker} (null for none):
     * between the spawner picking a free port and the server binding it, another process may take the port (another
     * server given the same free port, or a user's code binding ports on purpose), and routing the user there would
     * hand their traffic to someone else.
     */
    Future<Void> await(long pid, String marker, int port, String prefix, Path logFile, Duration timeout) {
        Context context = vertx.getOrCreateContext();
        Waiting waiting = new Waiting(pid, marker, port, prefix, logFile, timeout);
        LogWrites.Listening listening = logWrites.listen(logFile, () -> context.runOnContext(v -> waiting.wake()));
        context.runOnContext(v -> waiting.poll());
        return waiting.promise.future().onComplete(done -> listening.close());
    }

    /** One start awaited; its looks, timer and log wakes all run on the context that called await, one at a time. */
    private final class Waiting {
        final long pid;
        final String marker;
        final int port;
        final String prefix;
        final Path logFile;
        final Duration timeout;
        final long started = System.nanoTime();
        final long deadline;
        final Promise<Void> promise = Promise.promise();
        long aliveCheckedAt;
        long timer = -1;
        boolean asking;
        /** Whether the port answered from a process that is not the server's. */
        boolean heldByAnother;

        Waiting(long pid, String marker, int port, String prefix, Path logFile, Duration timeout) {
            this.pid = pid;
            this.marker = marker;
            this.port = port;
            this.prefix = prefix;
            this.logFile = logFile;
            this.timeout = timeout;
            this.deadline = started + timeout.toNanos();
            this.aliveCheckedAt = started - ALIVE_CHECK_NANOS;
        }

        /** The server wrote to its log: look now, unless a look is under way or the wait is over. */
        void wake() {
            if (asking || promise.future().isComplete()) {
                return;
            }
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
            poll();
        }

        void poll() {
            long now = System.nanoTime();
            if (now - aliveCheckedAt >= ALIVE_CHECK_NANOS) {
                aliveCheckedAt = now;
                if (!ProcessGroups.alive(pid)) {
                    promise.fail(new SpawnFailedException("The server process exited during start-up"
                            + portNote() + ": " + tail(logFile)));
                    return;
                }
            }
            if (now > deadline) {
                promise.fail(new SpawnFailedException("The server did not answer within " + timeout.toSeconds()
                        + " s (start_timeout)" + portNote() + "; last output: " + tail(logFile)));
                return;
            }
            if (refuses(port)) {
                again();
                return;
            }
            // The port takes connections: whether it answers HTTP and who holds it are asked at once (the holder is
            // read from /proc on a worker), and both must say yes; the server's first answer takes a few ms, about
            // what reading /proc takes, so asking them one after the other made every spawn that much longer.
            asking = true;
            Future<Boolean> answers = answers();
            Future<Boolean> held = vertx.executeBlocking(() -> ListeningSockets.heldBy(pid, marker, port), false);
            Future.join(answers, held).onComplete(both -> {
                asking = false;
                if (!answers.succeeded() || !answers.result()) {
                    again();
                } else if (held.succeeded() && held.result()) {
                    promise.complete();
                } else {
                    heldByAnother = true;
                    again();
                }
            });
        }

        /**
         * Whether {@code <prefix>api} answers without a server error. A port that takes the connection but never
         * answers must count as not ready, not hold the start past its timeout: each probe gives up after
         * PROBE_IDLE_MS without a byte.
         */
        private Future<Boolean> answers() {
            return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                            .setURI(prefix + "api").setIdleTimeout(PROBE_IDLE_MS))
                    .compose(req -> req.send())
                    .map(response -> response.statusCode() < 500);
        }

        private String portNote() {
            return heldByAnother ? " (port " + port + " answered, but from a process other than the server's)" : "";
        }

        private void again() {
            // Once another process answered on the port, each look also reads /proc: the slow pace keeps that cheap
            // while the server (which cannot bind a taken port) exits or the other process lets go.
            boolean fast = !heldByAnother && System.nanoTime() - started < FAST_POLL_FOR_NANOS;
            long pause = fast ? fastPollMillis : SLOW_POLL_MS;
            timer = vertx.setTimer(pause, t -> {
                timer = -1;
                poll();
            });
        }
    }

    /**
     * Whether nothing listens on the port of 127.0.0.1. Non-blocking, so it never holds the event loop: the kernel
     * settles a loopback connect within the call (about 40 µs when refused), so the finish right after it tells; a
     * connect still in progress counts as listening and the HTTP request decides.
     */
    static boolean refuses(int port) {
        try (SocketChannel channel = SocketChannel.open()) {
            channel.configureBlocking(false);
            if (!channel.connect(new InetSocketAddress(LOCALHOST, port))) {
                channel.finishConnect();
            }
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no output)";
        }
    }
}
