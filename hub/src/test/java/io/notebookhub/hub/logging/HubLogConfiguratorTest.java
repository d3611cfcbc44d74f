package io.notebookhub.hub.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import io.notebookhub.hub.login.oidc.EncryptionKeyLogFilter;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The hub's logging as the code sets it up: one console appender, quiet libraries, the configured level. */
class HubLogConfiguratorTest {
    @Test
    void logsToTheConsoleWithTheHubsPatternAndKeepsLibrariesQuiet() {
        LoggerContext context = new LoggerContext();
        HubLogConfigurator configurator = new HubLogConfigurator();
        configurator.setContext(context);

        assertThat(configurator.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        ConsoleAppender<?> console = (ConsoleAppender<?>) root.getAppender("STDOUT");
        assertThat(console.isStarted()).isTrue();
        assertThat(((BackgroundStartedEncoder) console.getEncoder()).pattern()).isEqualTo(HubLogConfigurator.PATTERN);
        assertThat(context.getLogger("io.netty.channel").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.notebookhub.hub").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(context.getTurboFilterList()).hasAtLeastOneElementOfType(EncryptionKeyLogFilter.class);
    }

    @Test
    void theConfiguredLevelAppliesToTheRootLogger() {
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        try {
            HubLogConfigurator.applyLevel("WARN");
            assertThat(LoggerFactory.getLogger("io.notebookhub.hub.Main").isInfoEnabled()).isFalse();
            assertThat(LoggerFactory.getLogger("io.notebookhub.hub.Main").isWarnEnabled()).isTrue();
        } finally {
            root.setLevel(before);
        }
    }
}
