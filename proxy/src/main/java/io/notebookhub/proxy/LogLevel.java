package io.notebookhub.proxy;

import java.lang.reflect.Method;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code --log-level} to Logback when it is the SLF4J backend (it is in the hub jar); a no-op otherwise. */
final class LogLevel {
    private LogLevel() {}

    static void set(String level) {
        String l = level == null ? "info" : level.toLowerCase(Locale.ROOT);
        String logback = switch (l) {
            case "debug", "trace" -> "DEBUG";
            case "warn", "warning" -> "WARN";
            case "error", "critical" -> "ERROR";
            default -> "INFO";
        };
        Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        try {
            Class<?> levelClass = Class.forName("ch.qos.logback.classic.Level");
            Object value = levelClass.getMethod("toLevel", String.class).invoke(null, logback);
            Method setLevel = root.getClass().getMethod("setLevel", levelClass);
            setLevel.invoke(root, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            root.debug("Log level {} not applied: {}", level, e.toString());
        }
    }
}
