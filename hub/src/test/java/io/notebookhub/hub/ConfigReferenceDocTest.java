package io.notebookhub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/configuration-reference.md is what {@code config reference} prints, so the docs never lag the code. */
class ConfigReferenceDocTest {
    private static final Path DOC = Path.of("..", "docs", "configuration-reference.md");

    @Test
    void theCommittedReferenceIsTheCommandsOutput() throws Exception {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new Main()).setOut(new PrintWriter(out)).execute("config", "reference");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("| `spawner.kubernetes.fail_on_unschedulable` |",
                "| `culler.profile_timeouts` |", "| `hub.port` | `NBHUB_HUB_PORT` | integer | 8081 |");
        assertThat(Files.exists(DOC) ? Files.readString(DOC) : "")
                .as("docs/configuration-reference.md is out of date; regenerate it with: "
                        + "java -jar hub/target/notebook-hub.jar config reference > docs/configuration-reference.md")
                .isEqualTo(out.toString());
    }

    @Test
    void secretsShowNoDefaultValue() {
        StringWriter out = new StringWriter();
        new CommandLine(new Main()).setOut(new PrintWriter(out)).execute("config", "reference");

        assertThat(out.toString()).contains("| `admin_token` | `NBHUB_ADMIN_TOKEN` | string | \"\" |")
                .contains("(secret: redacted in the log)");
    }
}
