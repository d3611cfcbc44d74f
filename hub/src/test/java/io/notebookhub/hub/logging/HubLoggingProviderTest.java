package io.notebookhub.hub.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

class HubLoggingProviderTest {
    @Test
    void bindsSlf4jToALogbackContextSetUpAsTheHubsConfiguratorSaysAndStarted() {
        HubLoggingProvider provider = new HubLoggingProvider();
        provider.initialize();

        LoggerContext context = (LoggerContext) provider.getLoggerFactory();
        assertThat(context.isStarted()).isTrue();
        ConsoleAppender<?> console = (ConsoleAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");
        assertThat(console.isStarted()).isTrue();
        assertThat(((BackgroundStartedEncoder) console.getEncoder()).pattern()).isEqualTo(HubLogConfigurator.PATTERN);
        assertThat(context.getLogger("io.vertx.core").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getMDCAdapter()).isSameAs(provider.getMDCAdapter());
        provider.getMDCAdapter().put("user", "alice");
        assertThat(provider.getMDCAdapter().get("user")).isEqualTo("alice");
        provider.getMDCAdapter().remove("user");
        assertThat(provider.getMarkerFactory().getMarker("AUDIT").getName()).isEqualTo("AUDIT");
    }
}
