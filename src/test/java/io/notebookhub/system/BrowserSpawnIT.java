package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.browser.HeadlessChrome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** A person in a real browser: dev login, the spawn page, progress, and the notebook UI through the proxy. */
class BrowserSpawnIT {
    @TempDir
    static Path temp;
    static HubProcess hub;

    @BeforeAll
    static void startHub() throws Exception {
        hub = new HubProcess(temp.resolve("data"), List.of()).start();
    }

    @AfterAll
    static void stopHub() throws Exception {
        if (hub != null) {
            HubApi.call(hub, "DELETE", "/hub/api/users/carol/server", null, HubProcess.ADMIN_TOKEN);
            hub.stop();
        }
    }

    @Test
    void aUserPicksAProfileWatchesProgressAndLandsInTheNotebookUi() throws Exception {
        try (HeadlessChrome chrome = new HeadlessChrome()) {
            chrome.devLogin(hub.baseUrl(), "carol");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));
            chrome.get(hub.baseUrl() + "/hub/spawn");
            assertThat(chrome.driver.findElement(By.cssSelector("#profile-small input[type=radio]")).isSelected())
                    .as("the default profile is preselected").isTrue();
            assertThat(chrome.driver.findElements(By.id("profile-gpu")))
                    .as("carol is not in gpu-users, so the GPU profile is not offered").isEmpty();
            chrome.driver.findElement(By.cssSelector("#profile-large input[type=radio]")).click();
            chrome.driver.findElement(By.id("start")).click();
            chrome.waitUpTo(Duration.ofSeconds(120)).until(ExpectedConditions.urlContains("/user/carol/tree"));
            chrome.await(By.id("notebook_list"), Duration.ofSeconds(60));
            assertThat(chrome.driver.getTitle()).contains("Home");
        }
        var model = HubApi.adminGet(hub, "/hub/api/users/carol");
        assertThat(model.path("servers").path("").path("profile").asText()).isEqualTo("large");
    }

    @Test
    void aSpawnThatFailsTellsTheUserWhyOnTheProgressPageAndInTheApi() throws Exception {
        HubProcess failing = new HubProcess(temp.resolve("failing"), List.of());
        failing.env.put("NBHUB_SPAWNER_LOCAL_COMMAND",
                "python3,-c,import sys; sys.exit('no node has a free nvidia.com/gpu')");
        try (failing; HeadlessChrome chrome = new HeadlessChrome()) {
            failing.start();
            chrome.devLogin(failing.baseUrl(), "gina");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));
            chrome.get(failing.baseUrl() + "/hub/spawn");
            chrome.driver.findElement(By.id("start")).click();
            String shown = chrome.await(By.id("spawn-error"), Duration.ofSeconds(60)).getText();
            assertThat(shown).contains("no node has a free nvidia.com/gpu");
            var server = HubApi.adminGet(failing, "/hub/api/users/gina?include_stopped_servers=true")
                    .path("servers").path("");
            assertThat(server.path("stopped").asBoolean()).isTrue();
            assertThat(server.path("stop_reason").asText()).contains("no node has a free nvidia.com/gpu");
        }
    }
}
