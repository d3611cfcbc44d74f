package io.notebookhub.spawner.kubernetes.ops;

import io.notebookhub.spawner.ServerId;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.MDC;

/** Puts {@code user} and {@code server} in the MDC around a piece of work, whatever thread runs it. */
public final class Mdc {
    private Mdc() {}

    public static Map<String, String> of(ServerId server) {
        return Map.of("user", server.user(), "server", server.serverName());
    }

    public static <T> T with(Map<String, String> mdc, Supplier<T> work) {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        MDC.setContextMap(mdc);
        try {
            return work.get();
        } finally {
            if (previous != null) {
                MDC.setContextMap(previous);
            } else {
                MDC.clear();
            }
        }
    }

    public static void run(Map<String, String> mdc, Runnable work) {
        with(mdc, () -> {
            work.run();
            return null;
        });
    }
}
