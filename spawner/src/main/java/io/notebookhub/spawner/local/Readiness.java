package io.notebookhub.spawner.local;

import io.notebookhub.spawner.SpawnFailedException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Waits until a server process answers on its port, for a fresh spawn and for one adopted mid-start. */
final class Readiness {
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
        long deadline = System.nanoTime() + timeout.toNanos();
        poll(pid, port, prefix, logFile, deadline, timeout, promise);
        return promise.future();
    }

    private void poll(long pid, int port, String prefix, Path logFile, long deadline, Duration timeout,
                      Promise<Void> promise) {
        if (!ProcessGroups.alive(pid)) {
            promise.fail(new SpawnFailedException("The server process exited during start-up: " + tail(logFile)));
            return;
        }
        if (System.nanoTime() > deadline) {
            promise.fail(new SpawnFailedException("The server did not answer within " + timeout.toSeconds()
                    + " s (start_timeout); last output: " + tail(logFile)));
            return;
        }
        http.request(HttpMethod.GET, port, "127.0.0.1", prefix + "api")
                .compose(req -> req.send())
                .onComplete(ar -> {
                    if (ar.succeeded() && ar.result().statusCode() < 500) {
                        promise.complete();
                    } else {
                        vertx.setTimer(200, t -> poll(pid, port, prefix, logFile, deadline, timeout, promise));
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
