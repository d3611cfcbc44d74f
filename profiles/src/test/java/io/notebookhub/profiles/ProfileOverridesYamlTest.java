package io.notebookhub.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileOverridesYamlTest {
    @Test
    void readsGlobalOverridesWithTheProfileKeys() {
        ProfileOverrides global = ProfileOverridesYaml.parse("hub.yaml", """
                image: quay.io/jupyter/base-notebook:2024-10-07
                memory: {guarantee: 1G}
                env: {TZ: UTC}
                start_timeout: 5m
                """);

        assertThat(global.image()).isEqualTo("quay.io/jupyter/base-notebook:2024-10-07");
        assertThat(global.memoryGuarantee()).isEqualTo("1G");
        assertThat(global.env()).isEqualTo(Map.of("TZ", "UTC"));
        assertThat(global.startTimeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void treatsEmptyTextAsNoOverrides() {
        assertThat(ProfileOverridesYaml.parse("hub.yaml", "")).isEqualTo(ProfileOverrides.NONE);
    }

    @Test
    void rejectsProfileOnlyKeysWithTheirPosition() {
        assertThatThrownBy(() -> ProfileOverridesYaml.parse("hub.yaml", "image: x\nslug: a\n"))
                .isInstanceOf(InvalidProfilesException.class)
                .hasMessageStartingWith("hub.yaml:2:1: unknown key \"slug\"");
    }
}
