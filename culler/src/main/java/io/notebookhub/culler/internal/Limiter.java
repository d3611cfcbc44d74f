package io.notebookhub.culler.internal;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/** Runs asynchronous tasks with at most {@code max} in flight; the rest wait in order. Thread-safe. */
public final class Limiter {
    private final int max;
    private final Context context;
    private final Deque<Runnable> waiting = new ArrayDeque<>();
    private int running;

    public Limiter(int max, Context context) {
        this.max = max;
        this.context = context;
    }

    public <T> Future<T> submit(Supplier<Future<T>> task) {
        Promise<T> result = Promise.promise();
        Runnable start = () -> {
            Future<T> f;
            try {
                f = task.get();
            } catch (RuntimeException e) {
                f = Future.failedFuture(e);
            }
            f.onComplete(ar -> {
                release();
                result.handle(ar);
            });
        };
        synchronized (this) {
            if (running >= max) {
                waiting.add(start);
                return result.future();
            }
            running++;
        }
        start.run();
        return result.future();
    }

    private void release() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                running--;
            }
        }
        if (next != null) {
            // Through the context rather than in this stack: tasks that complete at once would otherwise
            // recurse once per waiting task.
            context.runOnContext(v -> next.run());
        }
    }
}
