package io.notebookhub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The hub's own start skips picocli; everything else still reaches it, and both read --config alike. */
class MainArgumentsTest {
    @Test
    void startsTheHubWithoutPicocliWhenGivenNothingOrOnlyAConfigFile() {
        assertThat(Main.hubStart(new String[0])).hasValueSatisfying(m -> assertThat(m.config).isNull());
        assertThat(Main.hubStart(new String[] {"--config", "hub.yaml"}))
                .hasValueSatisfying(m -> assertThat(m.config).isEqualTo(Path.of("hub.yaml")));
        assertThat(Main.hubStart(new String[] {"--config=/etc/hub.yaml"}))
                .hasValueSatisfying(m -> assertThat(m.config).isEqualTo(Path.of("/etc/hub.yaml")));
    }

    @Test
    void leavesHelpVersionSubcommandsAndMistakesToPicocli() {
        for (String[] args : new String[][] {{"--help"}, {"--version"}, {"proxy"}, {"--config"}, {"--config="},
                {"--config", "--help"}, {"--conifg", "hub.yaml"}, {"--config", "a.yaml", "extra"}, {"db", "backup"}}) {
            assertThat(Main.hubStart(args)).as(String.join(" ", args)).isEmpty();
        }
    }

    @Test
    void readsTheConfigFileAsPicocliDoes() {
        for (String[] args : new String[][] {{"--config", "hub.yaml"}, {"--config=hub.yaml"}}) {
            Main parsed = new Main();
            new CommandLine(parsed).parseArgs(args);
            assertThat(Main.hubStart(args)).hasValueSatisfying(m -> assertThat(m.config).isEqualTo(parsed.config));
        }
    }
}
