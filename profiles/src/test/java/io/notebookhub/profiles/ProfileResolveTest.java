package io.notebookhub.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileResolveTest {
    private static final String PROFILES = """
            - slug: cpu
              display_name: CPU
              default: true
              image: quay.io/jupyter/scipy-notebook:2024-10-07
              cpu: {guarantee: 500m, limit: "2"}
              env: {SHARED: profile, PROFILE_ONLY: cpu}
              node_selector: {pool: user}
              idle_timeout: 2h
            - slug: gpu
              display_name: GPU
              image: quay.io/jupyter/pytorch-notebook:cuda12-2024-10-07
              cpu: {guarantee: "1", limit: "4"}
              memory: {guarantee: 4Gi, limit: 8Gi}
              extra_resource_limits: {nvidia.com/gpu: 1}
              tolerations:
                - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
                - {key: spot, operator: Equal, value: "true", effect: NoSchedule}
              node_selector: {pool: gpu, zone: a}
              env: {SHARED: profile, CUDA: "12"}
              volumes:
                - {name: datasets, persistentVolumeClaim: {claimName: datasets, readOnly: true}}
                - {name: scratch, emptyDir: {}}
              volume_mounts:
                - {name: datasets, mountPath: /datasets, readOnly: true}
              storage: {capacity: 20Gi}
              max_servers: 4
              idle_timeout: 30m
              options:
                gpus:
                  display_name: GPUs
                  choices:
                    one: {display_name: One, default: true}
                    two:
                      display_name: Two
                      overrides:
                        extra_resource_limits: {nvidia.com/gpu: 2}
                        cpu: {limit: "8"}
                        memory: {limit: 16Gi}
                        tolerations:
                          - {key: spot, operator: Equal, value: "false", effect: NoSchedule}
                          - {key: big, operator: Exists, effect: NoExecute}
                        env: {CUDA: "12.4", GPUS: "2"}
                        volumes:
                          - {name: scratch, emptyDir: {medium: Memory}}
                        volume_mounts:
                          - {name: scratch, mountPath: /scratch}
                        node_selector: {zone: b}
                        storage: {storage_class: fast}
                image:
                  choices:
                    pytorch: {default: true}
                    tensorflow:
                      overrides: {image: "quay.io/jupyter/tensorflow-notebook:cuda-2024-10-07"}
                  unlisted_choice:
                    display_name: Other image
                    validation_regex: "quay\\\\.io/jupyter/[a-z-]+:[a-z0-9.-]+"
                    validation_message: "use an image from quay.io/jupyter"
                    overrides:
                      image: "{value}"
                      env: {CUSTOM_IMAGE: "{value}"}
            """;

    @TempDir
    Path dir;
    ProfileDirectory profiles;

    @BeforeEach
    void load() throws IOException {
        Files.writeString(dir.resolve("profiles.yaml"), PROFILES);
        profiles = ProfileDirectory.open(dir);
    }

    @Test
    void resolvesTheDefaultChoicesWhenNoneAreGiven() {
        ResolvedProfile r = profiles.resolve(ProfileOverrides.NONE, "gpu", Map.of());

        assertThat(r.choices()).containsExactly(Map.entry("gpus", "one"), Map.entry("image", "pytorch"));
        assertThat(r.extraResourceLimits()).containsExactly(Map.entry("nvidia.com/gpu", "1"));
        assertThat(r.image()).isEqualTo("quay.io/jupyter/pytorch-notebook:cuda12-2024-10-07");
        assertThat(r.maxServers()).isEqualTo(4);
        assertThat(r.requestsGpu()).isTrue();
    }

    @Test
    void mergesMapsKeyByKeyWithTheLaterLevelWinning() {
        ProfileOverrides global = overrides(Map.of("GLOBAL", "yes", "SHARED", "global"), Map.of("pool", "any",
                "arch", "amd64"));

        ResolvedProfile r = profiles.resolve(global, "gpu", Map.of("gpus", "two"));

        assertThat(r.env()).containsExactlyInAnyOrderEntriesOf(Map.of("GLOBAL", "yes", "SHARED", "profile",
                "CUDA", "12.4", "GPUS", "2"));
        assertThat(r.nodeSelector()).containsExactlyInAnyOrderEntriesOf(Map.of("pool", "gpu", "arch", "amd64",
                "zone", "b"));
    }

    @Test
    void mergesTolerationsByKeyAndEffect() {
        ResolvedProfile r = profiles.resolve(ProfileOverrides.NONE, "gpu", Map.of("gpus", "two"));

        assertThat(r.tolerations()).containsExactly(
                new Toleration("nvidia.com/gpu", "Exists", "", "NoSchedule", null),
                new Toleration("spot", "Equal", "false", "NoSchedule", null),
                new Toleration("big", "Exists", "", "NoExecute", null));
    }

    @Test
    void keepsTolerationsWithTheSameKeyButAnotherEffect() {
        ProfileOverrides global = withTolerations(List.of(new Toleration("spot", "Exists", "", "NoExecute", 30L)));

        ResolvedProfile r = profiles.resolve(global, "gpu", Map.of());

        assertThat(r.tolerations()).extracting(Toleration::identity)
                .containsExactly("spot|NoExecute", "nvidia.com/gpu|NoSchedule", "spot|NoSchedule");
    }

    @Test
    void mergesVolumesAndMountsByName() {
        ResolvedProfile r = profiles.resolve(ProfileOverrides.NONE, "gpu", Map.of("gpus", "two"));

        assertThat(r.volumes()).extracting(v -> v.get("name")).containsExactly("datasets", "scratch");
        assertThat(r.volumes().get(1)).isEqualTo(Map.of("name", "scratch", "emptyDir", Map.of("medium", "Memory")));
        assertThat(r.volumes().get(0).get("persistentVolumeClaim"))
                .isEqualTo(Map.of("claimName", "datasets", "readOnly", true));
        assertThat(r.volumeMounts()).extracting(v -> v.get("mountPath")).containsExactly("/datasets", "/scratch");
    }

    @Test
    void replacesScalarsAndMergesStorageFieldByField() {
        ProfileOverrides global = new ProfileOverrides("global/image:1", "100m", "1", "1Gi", "2Gi", Map.of(),
                List.of(), Map.of(), NodeAffinity.NONE, Map.of(), List.of(), List.of(),
                new Storage("10Gi", "standard", List.of("ReadWriteOnce"), "/home/jovyan"), Duration.ofHours(8),
                Duration.ofMinutes(5));

        ResolvedProfile r = profiles.resolve(global, "gpu", Map.of("gpus", "two", "image", "tensorflow"));

        assertThat(r.image()).isEqualTo("quay.io/jupyter/tensorflow-notebook:cuda-2024-10-07");
        assertThat(r.cpuGuarantee()).isEqualTo("1");
        assertThat(r.cpuLimit()).isEqualTo("8");
        assertThat(r.memoryGuarantee()).isEqualTo("4Gi");
        assertThat(r.memoryLimit()).isEqualTo("16Gi");
        assertThat(r.extraResourceLimits()).containsExactly(Map.entry("nvidia.com/gpu", "2"));
        assertThat(r.storage()).isEqualTo(new Storage("20Gi", "fast", List.of("ReadWriteOnce"), "/home/jovyan"));
        assertThat(r.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(r.startTimeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void leaksNothingFromOneResolveIntoTheNext() {
        ResolvedProfile first = profiles.resolve(ProfileOverrides.NONE, "gpu",
                Map.of("gpus", "two", "image", "quay.io/jupyter/r-notebook:2024-10-07"));
        ResolvedProfile gpuDefaults = profiles.resolve(ProfileOverrides.NONE, "gpu", Map.of());
        ResolvedProfile cpu = profiles.resolve(ProfileOverrides.NONE, "cpu", Map.of());

        assertThat(first.extraResourceLimits()).containsEntry("nvidia.com/gpu", "2");
        assertThat(gpuDefaults.extraResourceLimits()).containsExactly(Map.entry("nvidia.com/gpu", "1"));
        assertThat(gpuDefaults.env()).doesNotContainKeys("GPUS", "CUSTOM_IMAGE");
        assertThat(gpuDefaults.image()).isEqualTo("quay.io/jupyter/pytorch-notebook:cuda12-2024-10-07");
        assertThat(cpu.extraResourceLimits()).isEmpty();
        assertThat(cpu.tolerations()).isEmpty();
        assertThat(cpu.volumes()).isEmpty();
        assertThat(cpu.env()).containsExactlyInAnyOrderEntriesOf(Map.of("SHARED", "profile", "PROFILE_ONLY", "cpu"));
        assertThat(cpu.requestsGpu()).isFalse();
        assertThat(profiles.find("gpu").orElseThrow().overrides().env()).doesNotContainKey("GPUS");
    }

    @Test
    void resolvedCollectionsCannotBeChangedByTheirUser() {
        ResolvedProfile r = profiles.resolve(ProfileOverrides.NONE, "gpu", Map.of());

        assertThatThrownBy(() -> r.env().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.tolerations().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.volumes().get(0).put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void acceptsAnUnlistedValueThatMatchesThePatternAndPutsItIntoTheOverrides() {
        ResolvedProfile r = profiles.resolve(ProfileOverrides.NONE, "gpu",
                Map.of("image", "quay.io/jupyter/r-notebook:2024-10-07"));

        assertThat(r.image()).isEqualTo("quay.io/jupyter/r-notebook:2024-10-07");
        assertThat(r.env()).containsEntry("CUSTOM_IMAGE", "quay.io/jupyter/r-notebook:2024-10-07");
        assertThat(r.choices()).containsEntry("image", "quay.io/jupyter/r-notebook:2024-10-07");
    }

    @Test
    void acceptsKubeSpawnersUnlistedChoiceFormKey() {
        ResolvedProfile r = profiles.resolve(ProfileOverrides.NONE, "gpu",
                Map.of("profile", "gpu", "image", "pytorch",
                        "image--unlisted-choice", "quay.io/jupyter/julia-notebook:2024-10-07"));

        assertThat(r.image()).isEqualTo("quay.io/jupyter/julia-notebook:2024-10-07");
    }

    @Test
    void checksQuantitiesMadeFromFreeTextAtResolveTime() throws IOException {
        Files.writeString(dir.resolve("profiles.yaml"), """
                slug: flexible
                default: true
                cpu: {guarantee: 500m}
                options:
                  cores:
                    unlisted_choice:
                      validation_regex: "[0-9]+"
                      validation_message: a whole number of cores
                      overrides: {cpu: {limit: "{value}"}}
                """);
        profiles.reload();

        assertThat(profiles.resolve(ProfileOverrides.NONE, "flexible", Map.of("cores", "3")).cpuLimit()).isEqualTo("3");
        assertThatThrownBy(() -> profiles.resolve(ProfileOverrides.NONE, "flexible", Map.of()))
                .isInstanceOf(ProfileChoiceException.class)
                .hasMessage("option \"cores\" of profile \"flexible\" has no listed choices; enter a value");
        assertThatThrownBy(() -> profiles.resolve(ProfileOverrides.NONE, "flexible", Map.of("cores", "0")))
                .isInstanceOf(ProfileChoiceException.class)
                .hasMessage("profile \"flexible\" with cores=0 cannot be used: cpu guarantee 500m is more than limit 0");
        assertThatThrownBy(() -> profiles.resolve(ProfileOverrides.NONE, "flexible", Map.of("cores", "two")))
                .isInstanceOf(ProfileChoiceException.class)
                .hasMessage("\"two\" is not allowed for option \"cores\" in profile \"flexible\": "
                        + "a whole number of cores");
    }

    @Test
    void rejectsAnUnlistedValueThatFailsThePatternWithTheAdminsMessage() {
        assertThatThrownBy(() -> profiles.resolve(ProfileOverrides.NONE, "gpu", Map.of("image", "evil.example/x:1")))
                .isInstanceOf(ProfileChoiceException.class)
                .hasMessage("\"evil.example/x:1\" is not allowed for option \"image\" in profile \"gpu\": "
                        + "use an image from quay.io/jupyter");
    }

    @Test
    void rejectsAValueOutsideTheListWhenThereIsNoFreeText() {
        assertThatThrownBy(() -> profiles.resolve(ProfileOverrides.NONE, "gpu", Map.of("gpus", "eight")))
                .isInstanceOf(ProfileChoiceException.class)
                .hasMessage("\"eight\" is not a choice of option \"gpus\" in profile \"gpu\"; choose one of: one, two");
    }

    @Test
    void rejectsAnUnknownOption() {
        assertThatThrownBy(() -> profiles.resolve(ProfileOverrides.NONE, "gpu", Map.of("colour", "red")))
                .isInstanceOf(ProfileChoiceException.class)
                .hasMessage("profile \"gpu\" has no option \"colour\"; its options are: gpus, image");
        assertThatThrownBy(() -> profiles.resolve(ProfileOverrides.NONE, "cpu", Map.of("gpus", "two")))
                .isInstanceOf(ProfileChoiceException.class)
                .hasMessage("profile \"cpu\" has no option \"gpus\"");
    }

    @Test
    void rejectsAnUnknownProfile() {
        assertThatThrownBy(() -> profiles.resolve(ProfileOverrides.NONE, "tpu", Map.of()))
                .isInstanceOf(ProfileChoiceException.class)
                .hasMessage("there is no profile \"tpu\"; available: cpu, gpu");
    }

    @Test
    void usesTheDefaultProfileWhenNoSlugIsGiven() {
        assertThat(profiles.resolve(ProfileOverrides.NONE, null, Map.of()).slug()).isEqualTo("cpu");
        assertThat(profiles.defaultProfile().slug()).isEqualTo("cpu");
    }

    @Test
    void refusesACombinationWhoseGuaranteeExceedsTheLimit() throws IOException {
        Files.writeString(dir.resolve("profiles.yaml"), """
                slug: capped
                default: true
                cpu: {limit: "1"}
                """);
        profiles.reload();
        ProfileOverrides generous = new ProfileOverrides(null, "2", null, null, null, Map.of(), List.of(), Map.of(),
                NodeAffinity.NONE, Map.of(), List.of(), List.of(), Storage.DEFAULTS, null, null);

        assertThatThrownBy(() -> profiles.resolve(generous, "capped", Map.of()))
                .isInstanceOf(ProfileChoiceException.class)
                .hasMessage("profile \"capped\" with no options cannot be used: cpu guarantee 2 is more than limit 1");
    }

    @Test
    void replacesNodeAffinityTermsInsteadOfWideningThem() throws IOException {
        Files.writeString(dir.resolve("profiles.yaml"), """
                slug: a
                default: true
                node_affinity:
                  required:
                    - matchExpressions: [{key: pool, operator: In, values: [user]}]
                options:
                  zone:
                    choices:
                      any: {default: true}
                      east:
                        overrides:
                          node_affinity:
                            required:
                              - matchExpressions: [{key: zone, operator: In, values: [east]}]
                """);
        profiles.reload();

        NodeAffinity any = profiles.resolve(ProfileOverrides.NONE, "a", Map.of()).nodeAffinity();
        NodeAffinity east = profiles.resolve(ProfileOverrides.NONE, "a", Map.of("zone", "east")).nodeAffinity();

        assertThat(any.required()).hasSize(1);
        assertThat(any.required().get(0).toString()).contains("pool");
        assertThat(east.required()).hasSize(1);
        assertThat(east.required().get(0).toString()).contains("east").doesNotContain("pool");
    }

    private static ProfileOverrides overrides(Map<String, String> env, Map<String, String> nodeSelector) {
        return new ProfileOverrides(null, null, null, null, null, Map.of(), List.of(), nodeSelector,
                NodeAffinity.NONE, env, List.of(), List.of(), Storage.DEFAULTS, null, null);
    }

    private static ProfileOverrides withTolerations(List<Toleration> tolerations) {
        return new ProfileOverrides(null, null, null, null, null, Map.of(), tolerations, Map.of(),
                NodeAffinity.NONE, Map.of(), List.of(), List.of(), Storage.DEFAULTS, null, null);
    }
}
