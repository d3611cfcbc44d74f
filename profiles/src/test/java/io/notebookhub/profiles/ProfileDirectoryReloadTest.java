package io.notebookhub.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileDirectoryReloadTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String SMALL = "slug: small\ndefault: true\ncpu: {limit: \"1\"}\n";
    private static final String LARGE = "slug: large\ncpu: {limit: \"4\"}\n";
    private static final String BROKEN_LARGE = "slug: large\ncpu: {limit: 4 cores}\n";

    @TempDir
    Path dir;
    ProfileDirectory profiles;
    final List<ReloadOutcome> outcomes = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (profiles != null) {
            profiles.close();
        }
    }

    private ProfileDirectory openWatched() {
        profiles = ProfileDirectory.open(dir);
        profiles.onReload(outcomes::add);
        profiles.start(Duration.ofMillis(200));
        return profiles;
    }

    private List<String> slugs() {
        return profiles.profiles().stream().map(Profile::slug).toList();
    }

    @Test
    void appliesAValidChangeToTheNextSpawn() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), SMALL);
        openWatched();

        Files.writeString(dir.resolve("b.yaml"), LARGE);

        await().atMost(PATIENCE).until(() -> slugs().equals(List.of("small", "large")));
        assertThat(profiles.resolve(ProfileOverrides.NONE, "large", Map.of()).cpuLimit()).isEqualTo("4");
        assertThat(outcomes).last().satisfies(o -> assertThat(o.applied()).isTrue());
        assertThat(profiles.lastError()).isEmpty();
    }

    @Test
    void keepsLastGoodProfilesWhenYamlIsInvalid() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), SMALL);
        Files.writeString(dir.resolve("b.yaml"), LARGE);
        openWatched();

        Files.writeString(dir.resolve("b.yaml"), BROKEN_LARGE);

        await().atMost(PATIENCE).until(() -> profiles.lastError().isPresent());
        assertThat(profiles.lastError().get()).isEqualTo(dir.resolve("b.yaml") + ":2:14: cpu.limit: \"4 cores\" "
                + "is not a Kubernetes quantity (examples: 500m, 2, 1.5, 512Mi, 2Gi, 1G)");
        assertThat(slugs()).containsExactly("small", "large");
        assertThat(profiles.resolve(ProfileOverrides.NONE, "large", Map.of()).cpuLimit()).isEqualTo("4");
        ReloadOutcome refused = outcomes.get(outcomes.size() - 1);
        assertThat(refused.applied()).isFalse();
        assertThat(refused.errors()).extracting(ProfileError::line, ProfileError::column)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, 14));

        Files.writeString(dir.resolve("b.yaml"), "slug: large\ncpu: {limit: \"8\"}\n");

        await().atMost(PATIENCE).until(() -> profiles.lastError().isEmpty());
        assertThat(profiles.resolve(ProfileOverrides.NONE, "large", Map.of()).cpuLimit()).isEqualTo("8");
    }

    @Test
    void reportsARefusedChangeOnceNotOnEveryCheck() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), SMALL);
        profiles = ProfileDirectory.open(dir);
        profiles.onReload(outcomes::add);
        Files.writeString(dir.resolve("b.yaml"), BROKEN_LARGE);

        assertThat(profiles.reloadIfChanged()).hasValueSatisfying(o -> assertThat(o.applied()).isFalse());
        assertThat(profiles.reloadIfChanged()).isEmpty();
        assertThat(outcomes).hasSize(1);
    }

    @Test
    void followsTheSymlinkSwapOfAMountedConfigMap() throws IOException {
        ConfigMapVolume volume = new ConfigMapVolume(dir);
        volume.publish(Map.of("a.yaml", SMALL, "b.yaml", LARGE));
        openWatched();

        volume.publish(Map.of("a.yaml", SMALL, "b.yaml", "slug: large\ncpu: {limit: \"6\"}\n"));
        await().atMost(PATIENCE).until(() -> "6".equals(profiles.resolve(ProfileOverrides.NONE, "large", Map.of())
                .cpuLimit()));

        volume.publish(Map.of("a.yaml", SMALL, "b.yaml", BROKEN_LARGE));
        await().atMost(PATIENCE).until(() -> profiles.lastError().isPresent());
        assertThat(profiles.lastError().get()).startsWith(dir.resolve("b.yaml") + ":2:14: ");
        assertThat(profiles.resolve(ProfileOverrides.NONE, "large", Map.of()).cpuLimit()).isEqualTo("6");

        volume.publish(Map.of("a.yaml", SMALL, "b.yaml", LARGE, "c.yaml", "slug: gpu\n"));
        await().atMost(PATIENCE).until(() -> slugs().equals(List.of("small", "large", "gpu")));
        assertThat(profiles.lastError()).isEmpty();
    }

    @Test
    void noticesASymlinkSwapByContentEvenWithoutFileEvents() throws IOException {
        ConfigMapVolume volume = new ConfigMapVolume(dir);
        volume.publish(Map.of("a.yaml", SMALL, "b.yaml", LARGE));
        profiles = ProfileDirectory.open(dir);

        volume.publish(Map.of("a.yaml", SMALL, "b.yaml", "slug: large\ncpu: {limit: \"6\"}\n"));

        assertThat(profiles.reloadIfChanged()).hasValueSatisfying(o -> assertThat(o.applied()).isTrue());
        assertThat(profiles.resolve(ProfileOverrides.NONE, "large", Map.of()).cpuLimit()).isEqualTo("6");
        assertThat(profiles.files()).containsOnlyKeys("a.yaml", "b.yaml");
    }

    @Test
    void validatesAProposedFileInTheContextOfTheOthers() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), SMALL);
        Files.writeString(dir.resolve("b.yaml"), LARGE);
        profiles = ProfileDirectory.open(dir);

        assertThat(profiles.validate("c.yaml", "display_name: Another\nslug: large\n"))
                .containsExactly(new ProfileError(dir.resolve("c.yaml").toString(), 2, 7,
                        "duplicate slug \"large\" (first defined at " + dir.resolve("b.yaml") + ":1:7)"));
        assertThat(profiles.validate("b.yaml", "slug: large\ndefault: true\n"))
                .extracting(ProfileError::toString).singleElement().asString()
                .contains("b.yaml:2:10: profile \"large\" is marked default, and so is \"small\"");
        assertThat(profiles.validate("b.yaml", "slug: huge\n")).isEmpty();
        assertThat(profiles.validate("../escape.yaml", "slug: x\n")).singleElement()
                .satisfies(e -> assertThat(e.message()).startsWith("a profile file name is"));
        assertThat(Files.readString(dir.resolve("b.yaml"))).isEqualTo(LARGE);
        assertThat(slugs()).containsExactly("small", "large");
    }

    @Test
    void savesOnlyAValidFileAndAppliesItAtOnce() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), SMALL);
        Files.writeString(dir.resolve("b.yaml"), LARGE);
        profiles = ProfileDirectory.open(dir);
        profiles.onReload(outcomes::add);

        List<ProfileError> refused = profiles.save("b.yaml", BROKEN_LARGE);
        List<ProfileError> saved = profiles.save("b.yaml", "slug: large\ncpu: {limit: \"16\"}\n");

        assertThat(refused).extracting(ProfileError::line, ProfileError::column)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, 14));
        assertThat(saved).isEmpty();
        assertThat(Files.readString(dir.resolve("b.yaml"))).isEqualTo("slug: large\ncpu: {limit: \"16\"}\n");
        assertThat(profiles.resolve(ProfileOverrides.NONE, "large", Map.of()).cpuLimit()).isEqualTo("16");
        assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.applied()).isTrue());
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a.yaml", "b.yaml");
        }
    }

    @Test
    void deletesAFileOnlyWhenTheRestStaysValid() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), SMALL);
        Files.writeString(dir.resolve("b.yaml"), LARGE);
        profiles = ProfileDirectory.open(dir);

        List<ProfileError> refused = profiles.delete("a.yaml");
        List<ProfileError> missing = profiles.delete("c.yaml");
        List<ProfileError> deleted = profiles.delete("b.yaml");

        assertThat(refused).extracting(ProfileError::message)
                .containsExactly("no profile is marked \"default: true\"; mark exactly one");
        assertThat(missing).extracting(ProfileError::message).containsExactly("no such profile file");
        assertThat(deleted).isEmpty();
        assertThat(dir.resolve("a.yaml")).exists();
        assertThat(dir.resolve("b.yaml")).doesNotExist();
        assertThat(slugs()).containsExactly("small");
    }

    @Test
    void fallsBackToTheBundledDefaultsWhenTheFolderDoesNotExist() {
        profiles = ProfileDirectory.openOrDefaults(dir.resolve("missing"));

        assertThat(slugs()).containsExactly("small", "large", "gpu");
        assertThat(profiles.defaultProfile().slug()).isEqualTo("small");
        assertThat(profiles.folder()).isEmpty();
        assertThat(profiles.start()).isSameAs(profiles);
        assertThatThrownBy(() -> profiles.save("x.yaml", SMALL)).isInstanceOf(IOException.class);
    }

    @Test
    void refusesToStartWithAnInvalidFolder() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), SMALL);
        Files.writeString(dir.resolve("b.yaml"), BROKEN_LARGE);

        assertThatThrownBy(() -> ProfileDirectory.open(dir)).isInstanceOf(InvalidProfilesException.class)
                .hasMessage(dir.resolve("b.yaml") + ":2:14: cpu.limit: \"4 cores\" is not a Kubernetes quantity "
                        + "(examples: 500m, 2, 1.5, 512Mi, 2Gi, 1G)");
    }

    /**
     * The layout kubelet writes for a ConfigMap volume: the files live in a timestamped hidden folder,
     * {@code ..data} points at it, and each visible name is a symlink through {@code ..data}. An update writes a
     * new folder and renames a new {@code ..data} link over the old one, so the visible files never change.
     */
    static final class ConfigMapVolume {
        private final Path root;
        private int generation;

        ConfigMapVolume(Path root) {
            this.root = root;
        }

        void publish(Map<String, String> files) throws IOException {
            generation++;
            Path version = root.resolve("..2026_11_21_06_00_00." + generation);
            Files.createDirectory(version);
            for (Map.Entry<String, String> f : files.entrySet()) {
                Files.writeString(version.resolve(f.getKey()), f.getValue());
            }
            Path previous = Files.isSymbolicLink(root.resolve("..data"))
                    ? root.resolve(Files.readSymbolicLink(root.resolve("..data"))) : null;
            Path tmp = root.resolve("..data_tmp");
            Files.createSymbolicLink(tmp, version.getFileName());
            Files.move(tmp, root.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            for (String name : files.keySet()) {
                Path link = root.resolve(name);
                if (!Files.isSymbolicLink(link)) {
                    Files.createSymbolicLink(link, Path.of("..data", name));
                }
            }
            if (previous != null) {
                try (Stream<Path> old = Files.list(previous)) {
                    for (Path p : old.toList()) {
                        Files.delete(p);
                    }
                }
                Files.delete(previous);
            }
        }
    }
}
