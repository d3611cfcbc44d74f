package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up refuses bad configuration and names the key, before binding any port. */
class ConfigValidationIT {
    @TempDir
    Path temp;

    private String startWith(String yaml) throws Exception {
        Path config = temp.resolve("config.yaml");
        Files.writeString(config, yaml);
        HubProcess hub = new HubProcess(temp.resolve("data"), List.of("--config", config.toString()));
        // The file is what is under test, so no environment override may mask it.
        hub.env.remove("NBHUB_HUB_PORT");
        hub.env.remove("NBHUB_PROXY_PORT");
        Process p = hub.launch();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the hub exits instead of starting").isTrue();
            assertThat(p.exitValue()).isNotZero();
            return hub.logText();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void anUnknownKeyStopsStartUpNamingTheKeyAndSuggestingTheRightOne() throws Exception {
        String out = startWith("hub:\n  prot: 8081\n");
        assertThat(out).contains("unknown key 'hub.prot'").contains("did you mean 'hub.port'");
    }

    @Test
    void aBadPortStopsStartUpNamingTheKey() throws Exception {
        String out = startWith("proxy:\n  port: 99999\n");
        assertThat(out).contains("'proxy.port'").contains("between 0 and 65535");
    }

    @Test
    void aPortThatIsNotANumberStopsStartUpNamingTheKey() throws Exception {
        String out = startWith("hub:\n  port: eighty\n");
        assertThat(out).contains("'hub.port'").contains("whole number");
    }
}
