package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar's subcommands as an admin runs them: profile tools, and the standalone culler against this hub. */
class CommandLineIT {
    @TempDir
    Path temp;

    private record Run(int exit, String output) {}

    private Run jar(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = HubProcess.javaJar();
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("NBHUB_") || k.startsWith("JUPYTERHUB_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void profilesValidateAcceptsTheShippedFolderAndNamesTheLineOfABadOne() throws Exception {
        Run good = jar(Map.of(), "profiles", "validate", HubProcess.repo().resolve("profiles").toString());
        assertThat(good.exit()).as(good.output()).isZero();
        assertThat(good.output()).contains("small").contains("large").contains("gpu");

        Path bad = Files.createDirectories(temp.resolve("bad"));
        Files.writeString(bad.resolve("one.yaml"), "slug: small\ndisplay_name: Small\ndefault: true\ncpu:\n  limt: 1\n");
        Run refused = jar(Map.of(), "profiles", "validate", bad.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.output()).contains("one.yaml:5:3").contains("limt");
    }

    /**
     * {@code -Xshare:on} makes the JVM refuse to start rather than quietly run without the archive, so this fails
     * when the build's archive does not match the jar or this JDK (the hub would start, only slower).
     */
    @Test
    void theBuildsClassDataSharingArchiveIsAcceptedForTheJar() throws Exception {
        Path archive = HubProcess.jar().resolveSibling("notebook-hub.jsa");
        assertThat(archive).as("the build writes the archive beside the jar").isRegularFile();
        List<String> cmd = new ArrayList<>(List.of(HubProcess.javaBin(), "-Xshare:on",
                "-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info", "-jar", HubProcess.jar().toString(),
                "--version"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("Notebook Hub")
                .containsPattern("io\\.notebookhub\\.hub\\.Main source: shared objects file \\(top\\)");
    }

    @Test
    void profilesShowPrintsTheResolvedProfile() throws Exception {
        Run shown = jar(Map.of(), "profiles", "show", HubProcess.repo().resolve("profiles").toString(), "gpu");
        assertThat(shown.exit()).as(shown.output()).isZero();
        assertThat(shown.output()).contains("nvidia.com/gpu");
    }

    @Test
    void theStandaloneCullerStopsAnIdleServerThroughThisHubsRestApi() throws Exception {
        HubProcess hub = new HubProcess(temp.resolve("data"), List.of());
        hub.env.put("NBHUB_CULLER_ENABLED", "false");
        try (hub) {
            hub.start();
            assertThat(HubApi.call(hub, "POST", "/hub/api/users/ivy", null, HubProcess.ADMIN_TOKEN).statusCode())
                    .isEqualTo(201);
            HubApi.call(hub, "POST", "/hub/api/users/ivy/server", "{}", HubProcess.ADMIN_TOKEN);
            await().atMost(Duration.ofSeconds(90)).until(() -> HubApi.adminGet(hub, "/hub/api/users/ivy")
                    .path("servers").path("").path("ready").asBoolean());
            Thread.sleep(3000);

            Run culler = jar(Map.of("JUPYTERHUB_API_TOKEN", HubProcess.ADMIN_TOKEN), "culler",
                    "--url", hub.baseUrl() + "/hub/api", "--server-url", hub.baseUrl(), "--timeout", "1", "--once");

            assertThat(culler.exit()).as(culler.output()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> HubApi.adminGet(hub,
                    "/hub/api/users/ivy?include_stopped_servers=true").path("servers").path("").path("stopped").asBoolean());
        }
    }
}
