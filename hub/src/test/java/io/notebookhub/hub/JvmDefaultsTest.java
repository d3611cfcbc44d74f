package io.notebookhub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.logging.HubLoggingProvider;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What Main sets before anything starts; SLF4J and Netty read these once, so setting them here changes nothing else. */
class JvmDefaultsTest {
    private static final List<String> NAMES = List.of("io.netty.jfr.enabled", "slf4j.provider",
            "slf4j.internal.verbosity", "logback.configurationFile");
    private final Properties saved = new Properties();

    @BeforeEach
    void clear() {
        for (String name : NAMES) {
            String value = System.getProperty(name);
            if (value != null) {
                saved.setProperty(name, value);
            }
            System.clearProperty(name);
        }
    }

    @AfterEach
    void restore() {
        NAMES.forEach(System::clearProperty);
        saved.forEach((k, v) -> System.setProperty((String) k, (String) v));
    }

    @Test
    void theHubNamesItsLoggingProviderQuietlyAndTurnsNettysFlightRecorderEventsOff() {
        Main.applyJvmDefaults();
        assertThat(System.getProperty("slf4j.provider")).isEqualTo(HubLoggingProvider.class.getName());
        assertThat(System.getProperty("slf4j.internal.verbosity")).isEqualTo("WARN");
        assertThat(System.getProperty("io.netty.jfr.enabled")).isEqualTo("false");
    }

    @Test
    void whatTheCommandLineSetsWins() {
        System.setProperty("logback.configurationFile", "/etc/hub/logback.xml");
        System.setProperty("io.netty.jfr.enabled", "true");
        Main.applyJvmDefaults();
        assertThat(System.getProperty("slf4j.provider")).as("Logback's own search reads the file").isNull();
        assertThat(System.getProperty("io.netty.jfr.enabled")).isEqualTo("true");
    }
}
