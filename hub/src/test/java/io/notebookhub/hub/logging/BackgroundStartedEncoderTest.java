package io.notebookhub.hub.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BackgroundStartedEncoderTest {
    @Test
    void theFirstLineAskedForAtOnceIsWrittenWithTheWholePattern() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setContext(context);
        pattern.setPattern(HubLogConfigurator.PATTERN);
        BackgroundStartedEncoder encoder = new BackgroundStartedEncoder(pattern);
        encoder.setContext(context);

        encoder.start();
        LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger("io.notebookhub.hub.Main"),
                Level.INFO, "effective configuration: {}", null, new Object[] {"{}"});
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[.+\\] io\\.notebookhub\\.hub\\.Main +- effective "
                + "configuration: \\{\\}" + System.lineSeparator());
        encoder.stop();
        assertThat(pattern.isStarted()).isFalse();
    }
}
