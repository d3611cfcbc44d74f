package io.notebookhub.spawner.kubernetes.ops;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs blocking fabric8 calls on a named worker pool and hands back a Vert.x {@link Future}. Calls that
 * fail for reasons that pass (429 Too Many Requests, 5xx, timeouts, broken connections) are retried with
 * exponential backoff and jitter until {@code retryTimeout}; waits between tries are timers, not sleeping
 * threads. Other failures (403, 404, 409, 422) come back at once for the caller to handle.
 */
public final class ApiCalls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiCalls.class);
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;

    private final Vertx vertx;
    private final WorkerExecutor workers;
    private final Duration retryTimeout;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();

    public ApiCalls(Vertx vertx, String poolName, int poolSize, Duration retryTimeout) {
        this.vertx = vertx;
        this.workers = vertx.createSharedWorkerExecutor(poolName, poolSize);
        this.retryTimeout = retryTimeout;
    }

    /** Runs {@code op} (named {@code what} in logs and errors), retrying transient failures. */
    public <T> Future<T> call(String what, Callable<T> op) {
        Promise<T> result = Promise.promise();
        attempt(what, op, MDC.getCopyOfContextMap(), System.nanoTime(), 0, result);
        return result.future();
    }

    /** How many API calls were issued (including retries), for metrics and the benchmark. */
    public long calls() {
        return calls.get();
    }

    public long retries() {
        return retries.get();
    }

    private <T> void attempt(String what, Callable<T> op, Map<String, String> mdc, long startNanos, int attempt,
                             Promise<T> result) {
        workers.<T>executeBlocking(() -> {
            calls.incrementAndGet();
            Map<String, String> previous = MDC.getCopyOfContextMap();
            if (mdc != null) {
                MDC.setContextMap(mdc);
            }
            try {
                return op.call();
            } finally {
                if (previous != null) {
                    MDC.setContextMap(previous);
                } else {
                    MDC.clear();
                }
            }
        }, false).onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
                return;
            }
            Throwable err = ar.cause();
            long elapsedMs = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
            if (!isTransient(err) || elapsedMs >= retryTimeout.toMillis()) {
                result.fail(err);
                return;
            }
            long backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(attempt, 10));
            long delay = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
            retries.incrementAndGet();
            withMdc(mdc, () -> log.warn("{} failed ({}), retry {} in {} ms", what, summary(err), attempt + 1, delay));
            vertx.setTimer(delay, t -> attempt(what, op, mdc, startNanos, attempt + 1, result));
        });
    }

    /** 429, 5xx and I/O trouble pass; a refusal (4xx) will be refused again. */
    public static boolean isTransient(Throwable err) {
        for (Throwable t = err; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getCode() > 0) {
                return k.getCode() == 429 || k.getCode() >= 500;
            }
            if (t instanceof IOException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The HTTP status of a failed call, or 0 when there was none. */
    public static int status(Throwable err) {
        for (Throwable t = err; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getCode() > 0) {
                return k.getCode();
            }
        }
        return 0;
    }

    /** What the API server said about a failed call (its Status message), or empty when it said nothing. */
    public static String message(Throwable err) {
        for (Throwable t = err; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
                return k.getStatus().getMessage();
            }
        }
        return "";
    }

    private static String summary(Throwable err) {
        int code = status(err);
        return code != 0 ? "HTTP " + code : err.getClass().getSimpleName() + ": " + err.getMessage();
    }

    private static void withMdc(Map<String, String> mdc, Runnable r) {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        if (mdc != null) {
            MDC.setContextMap(mdc);
        }
        try {
            r.run();
        } finally {
            if (previous != null) {
                MDC.setContextMap(previous);
            } else {
                MDC.clear();
            }
        }
    }

    @Override
    public void close() {
        workers.close();
    }
}
