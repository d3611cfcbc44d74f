package io.notebookhub.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admins share settings between profiles with YAML anchors, aliases and merge keys; all three must work. */
class YamlAnchorsTest {
    @TempDir
    Path dir;

    @Test
    void sharesSettingsThroughAnchorsAliasesAndMergeKeys() throws IOException {
        Files.writeString(dir.resolve("gpus.yaml"), """
                - &t4
                  slug: t4
                  default: true
                  cpu: {guarantee: "2", limit: "4"}
                  extra_resource_limits: {nvidia.com/gpu: 1}
                  tolerations: &gpu-tolerations
                    - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
                - <<: *t4
                  slug: a100
                  default: false
                  cpu: {guarantee: "8", limit: "16"}
                - slug: l4
                  tolerations: *gpu-tolerations
                """);

        ProfileDirectory profiles = ProfileDirectory.open(dir);
        ResolvedProfile a100 = profiles.resolve(ProfileOverrides.NONE, "a100", Map.of());
        ResolvedProfile l4 = profiles.resolve(ProfileOverrides.NONE, "l4", Map.of());

        assertThat(profiles.profiles()).extracting(Profile::slug).containsExactly("t4", "a100", "l4");
        assertThat(a100.cpuLimit()).isEqualTo("16");
        assertThat(a100.extraResourceLimits()).containsEntry("nvidia.com/gpu", "1");
        assertThat(a100.tolerations()).hasSize(1);
        assertThat(profiles.defaultProfile().slug()).isEqualTo("t4");
        assertThat(l4.tolerations()).extracting(Toleration::key).isEqualTo(List.of("nvidia.com/gpu"));
    }

    @Test
    void reportsAMistakeInAMergedMappingOnceAtItsOwnPosition() throws IOException {
        Files.writeString(dir.resolve("p.yaml"), """
                - &base
                  slug: base
                  default: true
                  imgae: x
                - <<: *base
                  slug: other
                  default: false
                """);

        assertThat(ProfileDirectory.check(dir)).extracting(ProfileError::toString).containsExactly(
                dir.resolve("p.yaml") + ":4:3: unknown key \"imgae\" (did you mean \"image\"?)");
    }
}
