package io.notebookhub.system.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.HubProcess;
import io.notebookhub.system.browser.HeadlessChrome;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;

/**
 * An nbgitpuller link, as course pages hand them out: {@code /hub/user-redirect/git-pull?repo=...&urlpath=...}.
 * nbgitpuller (from PyPI, in the notebook server's environment) is what answers {@code git-pull}; the hub sends the
 * logged-in user to their own server, through JupyterHub's "not running" page, the spawn page and the pending
 * page while it starts, and on to the link's path once it is ready.
 */
class GitPullerLinkIT {
    @TempDir
    Path temp;

    @Test
    void anNbgitpullerLinkStartsAlicesServerAndClonesTheRepositoryIntoHerHome() throws Exception {
        Path repo = temp.resolve("course-material");
        Files.createDirectories(repo);
        Files.writeString(repo.resolve("README.md"), "# Week 1\n");
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", "README.md");
        git(repo, "-c", "user.name=Teacher", "-c", "user.email=teacher@example.org", "commit", "-q", "-m", "week 1");

        try (HubProcess hub = ServicesHub.hub(temp, "{}\n"); HeadlessChrome chrome = new HeadlessChrome()) {
            hub.start();
            hub.stopServerOnClose("alice");
            chrome.devLogin(hub.baseUrl(), "alice");
            String link = hub.baseUrl() + "/hub/user-redirect/git-pull?repo="
                    + URLEncoder.encode("file://" + repo, StandardCharsets.UTF_8) + "&branch=main&urlpath="
                    + URLEncoder.encode("lab/tree/course-material/README.md", StandardCharsets.UTF_8);
            chrome.get(link);

            String notRunning = explained(hub, chrome, () -> chrome.await(By.id("not-running"), Duration.ofSeconds(30)))
                    .getText();
            assertThat(notRunning).contains("/user/alice/");
            chrome.driver.findElement(By.id("start")).click();
            chrome.await(By.id("spawn_form"), Duration.ofSeconds(30));
            chrome.driver.findElement(By.id("start")).click();

            Path cloned = hub.dataDir.resolve("users/alice/course-material/README.md");
            explained(hub, chrome, () -> chrome.waitUpTo(Duration.ofSeconds(180)).until(d -> Files.exists(cloned)
                    && d.getCurrentUrl().contains("/user/alice/lab/tree/course-material/README.md")));
            assertThat(Files.readString(cloned)).isEqualTo("# Week 1\n");
            assertThat(Files.exists(hub.dataDir.resolve("users/alice/course-material/.git"))).isTrue();
        }
    }

    /** A wait that times out names the page the browser is on and carries the hub's log. */
    private static <T> T explained(HubProcess hub, HeadlessChrome chrome, Supplier<T> wait) {
        try {
            return wait.get();
        } catch (TimeoutException e) {
            throw new AssertionError("browser at " + chrome.driver.getCurrentUrl() + " showing:\n"
                    + chrome.driver.findElement(By.tagName("body")).getText() + "\nhub log:\n" + hub.logText(), e);
        }
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("git " + String.join(" ", args)).isTrue();
    }
}
