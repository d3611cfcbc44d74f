package io.notebookhub.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilesCommandTest {
    /** The shipped profiles, at the top of the module folder (the working directory of surefire). */
    private static final Path SHIPPED = Path.of("").toAbsolutePath();

    @TempDir
    Path dir;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int run(String... args) {
        return ProfilesCommand.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void validatePrintsASummaryAndExitsZeroForTheShippedProfiles() {
        int code = run("validate", SHIPPED.toString());

        assertThat(code).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString().lines()).containsExactly(
                "3 profiles in " + SHIPPED + " are valid; default: small",
                "  small            Small CPU | cpu 500m..1 | memory 1Gi..2Gi | everyone",
                "  large            Large CPU | cpu 2..4 | memory 8Gi..16Gi | everyone",
                "  gpu              One T4 GPU | cpu 2..4 | memory 8Gi..16Gi | nvidia.com/gpu 1 | only groups gpu-users");
    }

    @Test
    void validatePrintsEveryErrorWithItsPositionAndExitsOne() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "slug: a\ndefault: true\ncpu: {limit: 2 cores}\nmax_servers: 0\n");
        Files.writeString(dir.resolve("b.yaml"), "slug: b\nimgae: x\n");

        int code = run("validate", dir.toString());

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().lines()).containsExactly(
                dir.resolve("a.yaml") + ":3:14: cpu.limit: \"2 cores\" is not a Kubernetes quantity (examples: 500m, "
                        + "2, 1.5, 512Mi, 2Gi, 1G)",
                dir.resolve("a.yaml") + ":4:14: max_servers: 0 is out of range; allowed: 1 to 100000",
                dir.resolve("b.yaml") + ":2:1: unknown key \"imgae\" (did you mean \"image\"?)",
                "3 errors in " + dir);
    }

    @Test
    void validateExitsOneForAFolderThatDoesNotExist() {
        int code = run("validate", dir.resolve("nope").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(dir.resolve("nope") + ": not a folder\n");
    }

    @Test
    void validateSaysSoWhenTheFolderHasNoProfiles() {
        int code = run("validate", dir.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines()).first().isEqualTo(dir + ": no profiles found (add *.yaml files)");
    }

    @Test
    void showPrintsTheResolvedProfileAsYaml() {
        int code = run("show", SHIPPED.toString(), "gpu");

        assertThat(code).isZero();
        assertThat(out.toString()).isEqualTo("""
                slug: gpu
                display_name: One T4 GPU
                cpu:
                  guarantee: "2"
                  limit: "4"
                memory:
                  guarantee: 8Gi
                  limit: 16Gi
                extra_resource_limits:
                  nvidia.com/gpu: "1"
                tolerations:
                - key: nvidia.com/gpu
                  operator: Exists
                  effect: NoSchedule
                node_selector:
                  nvidia.com/gpu.present: "true"
                idle_timeout: 20m
                start_timeout: 10m
                """);
    }

    @Test
    void showAppliesTheChosenOptions() throws IOException {
        Files.writeString(dir.resolve("p.yaml"), """
                slug: ml
                default: true
                image: quay.io/jupyter/scipy-notebook:2024-10-07
                options:
                  gpus:
                    choices:
                      none: {default: true}
                      two:
                        overrides:
                          extra_resource_limits: {nvidia.com/gpu: 2}
                          env: {GPUS: "2"}
                  image:
                    choices:
                      scipy: {default: true}
                    unlisted_choice:
                      validation_regex: "quay\\\\.io/jupyter/.+"
                      overrides: {image: "{value}"}
                """);

        int code = run("show", dir.toString(), "ml", "gpus=two", "image=quay.io/jupyter/r-notebook:2024-10-07");

        assertThat(code).isZero();
        assertThat(out.toString()).isEqualTo("""
                slug: ml
                display_name: ml
                choices:
                  gpus: two
                  image: quay.io/jupyter/r-notebook:2024-10-07
                image: quay.io/jupyter/r-notebook:2024-10-07
                extra_resource_limits:
                  nvidia.com/gpu: "2"
                env:
                  GPUS: "2"
                """);
    }

    @Test
    void showExplainsABadChoiceAndExitsOne() {
        int code = run("show", SHIPPED.toString(), "gpu", "gpus=2");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEqualTo("profile \"gpu\" has no option \"gpus\"\n");
    }

    @Test
    void showRejectsAnArgumentThatIsNotOptionEqualsChoice() {
        int code = run("show", SHIPPED.toString(), "gpu", "gpus");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("\"gpus\" is not option=choice\n");
    }
}
