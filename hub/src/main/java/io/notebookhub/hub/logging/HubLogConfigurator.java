package io.notebookhub.hub.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.notebookhub.hub.login.oidc.EncryptionKeyLogFilter;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The hub's logging, set up in code rather than from a logback.xml: parsing XML (the JDK's parser and Logback's Joran)
 * loads some 600 classes and takes a noticeable part of a restart. Found by Logback as a service
 * ({@code META-INF/services}). A {@code -Dlogback.configurationFile=...} still wins: this configurator then steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class HubLogConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} %X{user}%X{server} - %msg%n";

    /** Libraries whose INFO lines say nothing a hub operator needs. */
    private static final Map<String, Level> QUIET = Map.of("io.netty", Level.WARN, "io.vertx", Level.WARN,
            "org.flywaydb", Level.WARN, "com.zaxxer", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        EncryptionKeyLogFilter keys = new EncryptionKeyLogFilter();
        keys.setContext(context);
        keys.start();
        context.addTurboFilter(keys);

        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setContext(context);
        pattern.setPattern(PATTERN);
        BackgroundStartedEncoder encoder = new BackgroundStartedEncoder(pattern);
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();

        QUIET.forEach((name, level) -> context.getLogger(name).setLevel(level));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getenv("NBHUB_LOG_LEVEL"), Level.INFO));
        root.addAppender(console);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The configuration's {@code log_level}, once it is read (NBHUB_LOG_LEVEL applied before, from the start). */
    public static void applyLevel(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
