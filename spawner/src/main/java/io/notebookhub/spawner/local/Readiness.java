package io.notebookhub.spawner.local;

import io.notebookhub.spawner.SpawnFailedException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Waits until a server process answers on its port, for a fresh spawn and for one adopted mid-start. */
final class Readiness {
    /**
     * A notebook server answers about a second after it is launched; asking every 25 ms in the first seconds
     * (a refused connection on loopback costs microseconds) keeps what the user waits for within a few per cent
     * of the server's own start-up, and backing off later keeps a slow start from costing anything.
     */
    private static final long FAST_POLL_MS = 25;
    private static final long FAST_POLL_FOR_NANOS = Duration.ofSeconds(10).toNanos();
    private static final long SLOW_POLL_MS = 200;
    private static final long PROBE_IDLE_MS = 2000;

    private final Vertx vertx;
    private final HttpClient http;

    Readiness(Vertx vertx, HttpClient http) {
        this.vertx = vertx;
        this.http = http;
    }

    /**
     * Polls {@code <prefix>api} until the server answers with a non-5xx status, the process dies, or time is up;
     * a failure message quotes the end of {@code logFile}.
     */
    Future<Void> await(long pid, int port, String prefix, Path logFile, Duration timeout) {
        Promise<Void> promise = Promise.promise();
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        poll(pid, port, prefix, logFile, started, deadline, timeout, promise);
        return promise.future();
    }

    private void poll(long pid, int port, String prefix, Path logFile, long started, long deadline,
                      Duration timeout, Promise<Void> promise) {
        if (!ProcessGroups.alive(pid)) {
            promise.fail(new SpawnFailedException("The server process exited during start-up: " + tail(logFile)));
            return;
        }
        if (System.nanoTime() > deadline) {
            promise.fail(new SpawnFailedException("The server did not answer within " + timeout.toSeconds()
                    + " s (start_timeout); last output: " + tail(logFile)));
            return;
        }
        // A port that takes the connection but never answers must count as not ready, not hold the start past its
        // timeout: each probe gives up after PROBE_IDLE_MS without a byte.
        http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                        .setURI(prefix + "api").setIdleTimeout(PROBE_IDLE_MS))
                .compose(req -> req.send())
                .onComplete(ar -> {
                    if (ar.succeeded() && ar.result().statusCode() < 500) {
                        promise.complete();
                    } else {
                        long pause = System.nanoTime() - started < FAST_POLL_FOR_NANOS ? FAST_POLL_MS : SLOW_POLL_MS;
                        vertx.setTimer(pause,
                                t -> poll(pid, port, prefix, logFile, started, deadline, timeout, promise));
                    }
                });
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
