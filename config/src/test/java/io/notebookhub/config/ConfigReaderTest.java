package io.notebookhub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {
    private static final Settings COMPONENT = new Settings();
    private static final Setting<Duration> TIMEOUT = COMPONENT.add(Setting.duration("timeout", Duration.ofMinutes(1),
            Duration.ofSeconds(1), "how long"));
    private static final Setting<List<String>> NAMES = COMPONENT.add(Setting.list("names", List.of(), "who"));
    private static final Setting<Map<String, String>> LABELS = COMPONENT.add(Setting.stringMap("labels", "labels"));
    private static final Setting<String> TOKEN = COMPONENT.add(Setting.string("token", "", "a token").secret());

    @TempDir
    Path temp;

    @Test
    void theEnvironmentBeatsTheFileWhichBeatsTheDefault() throws Exception {
        Path file = write("part:\n  timeout: 1h30m\n  names: [a, b]\n  labels: {team: ml}\n");

        ConfigReader fileOnly = ConfigReader.of(file, Map.of());
        SettingValues fromFile = fileOnly.section("part", COMPONENT.all());
        ConfigReader withEnv = ConfigReader.of(file, Map.of("NBHUB_PART_TIMEOUT", "1500ms", "NBHUB_PART_NAMES", "c, d",
                "NBHUB_PART_LABELS", "{team: hpc}"));
        SettingValues fromEnv = withEnv.section("part", COMPONENT.all());
        fileOnly.finish();
        withEnv.finish();

        assertThat(fromFile.get(TIMEOUT)).isEqualTo(Duration.ofMinutes(90));
        assertThat(fromFile.get(NAMES)).containsExactly("a", "b");
        assertThat(fromFile.get(LABELS)).containsEntry("team", "ml");
        assertThat(fromEnv.get(TIMEOUT)).isEqualTo(Duration.ofMillis(1500));
        assertThat(fromEnv.get(NAMES)).containsExactly("c", "d");
        assertThat(fromEnv.get(LABELS)).containsEntry("team", "hpc");
        assertThat(ConfigReader.of(null, Map.of()).section("part", COMPONENT.all()).get(TIMEOUT))
                .isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aBadValueInTheFileIsNamedWithFileLineAndColumn() throws Exception {
        Path file = write("part:\n  names: [a]\n  timeout: soon\n  timeuot: 5\n");
        ConfigReader reader = ConfigReader.of(file, Map.of());
        reader.section("part", COMPONENT.all());

        assertThatThrownBy(reader::finish).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'part.timeout' (" + file + ":3:3) must be seconds or a duration like 90s")
                .hasMessageContaining("not 'soon'")
                .hasMessageContaining(file + ":4:3: unknown key 'part.timeuot' (did you mean 'part.timeout'?)");
    }

    @Test
    void aBadValueFromTheEnvironmentNamesTheVariable() {
        ConfigReader reader = ConfigReader.of(null, Map.of("NBHUB_PART_TIMEOUT", "0s", "NBHUB_PART_TIMOUT", "1"));
        reader.section("part", COMPONENT.all());

        assertThatThrownBy(reader::finish)
                .hasMessageContaining("'part.timeout' (NBHUB_PART_TIMEOUT) must be at least 1s, not '0s'")
                .hasMessageContaining("unknown environment variable NBHUB_PART_TIMOUT (did you mean 'NBHUB_PART_TIMEOUT'?)");
    }

    @Test
    void secretsAreRedactedInTheEffectiveConfiguration() {
        ConfigReader reader = ConfigReader.of(null, Map.of("NBHUB_PART_TOKEN", "s3cret-value"));
        SettingValues values = reader.section("part", COMPONENT.all());

        assertThat(values.get(TOKEN)).isEqualTo("s3cret-value");
        assertThat(reader.effectiveRedacted()).containsEntry("part.token", "<redacted>")
                .containsEntry("part.timeout", "1m");
        assertThat(reader.effectiveRedacted().toString()).doesNotContain("s3cret");
    }

    @Test
    void aSettingIsDeclaredOnlyOnce() {
        Settings twice = new Settings();
        twice.add(Setting.bool("flag", false, "a flag"));

        assertThatThrownBy(() -> twice.add(Setting.bool("flag", true, "the same flag again")))
                .hasMessageContaining("flag is declared twice");
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(temp.resolve("config.yaml"), yaml);
    }
}
