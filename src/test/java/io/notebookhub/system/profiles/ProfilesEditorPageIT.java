package io.notebookhub.system.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.browser.HeadlessChrome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The admin profile editor in headless Chromium: Validate shows each error at its line, Save applies. The editor is
 * CodeMirror (the text area stays in the page, hidden, as its copy of the text); ProfileCodeEditorIT covers what the
 * code editor adds.
 */
class ProfilesEditorPageIT {
    @TempDir
    static Path temp;
    static ProfilesHub hub;

    @BeforeAll
    static void startHub() throws Exception {
        hub = ProfilesHub.start(temp, "profiles-rules");
    }

    @AfterAll
    static void stopHub() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    /** Replaces the editor's text (typing whole files would race the editor's completion popup). */
    static void type(HeadlessChrome chrome, String text) {
        chrome.driver.executeScript("window.nbhubProfileEditor.setText(arguments[0]);", text);
    }

    /** The line numbers the editor's gutter marks with an error from the hub. */
    static List<String> serverErrorLines(HeadlessChrome chrome) {
        return chrome.driver.findElements(By.cssSelector(".cm-lineNumbers .cm-gutterElement.cm-server-error"))
                .stream().map(WebElement::getText).toList();
    }

    @Test
    void anAdminValidatesSeesTheErrorAtItsLineThenSavesAndTheChangeApplies() throws Exception {
        Path file = hub.profilesDir.resolve("03-single.yaml");
        String before = Files.readString(file);
        try (HeadlessChrome chrome = new HeadlessChrome()) {
            chrome.devLogin(hub.baseUrl(), "admin");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));
            chrome.get(hub.baseUrl() + "/hub/admin/profiles?file=03-single.yaml");
            assertThat(chrome.driver.findElement(By.id("yaml")).getAttribute("value")).isEqualTo(before);
            assertThat(chrome.driver.findElement(By.id("in-force")).getText()).contains("restricted")
                    .contains("users alice");

            type(chrome, "slug: single\ndisplay_name: Single seat\nmax_servers: 0\n");
            chrome.driver.findElement(By.id("validate")).click();
            WebElement error = chrome.await(By.cssSelector("#errors li"), Duration.ofSeconds(30));
            assertThat(error.getAttribute("data-line")).isEqualTo("3");
            assertThat(error.getText()).startsWith("line 3, column 14: ").contains("max_servers");
            assertThat(serverErrorLines(chrome)).containsExactly("3");
            assertThat(chrome.driver.findElement(By.id("result")).getText()).contains("1 error(s)");

            chrome.driver.findElement(By.id("save")).click();
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.id("result"), "nothing was saved"));
            assertThat(Files.readString(file)).as("an invalid save writes nothing").isEqualTo(before);

            error = chrome.driver.findElement(By.cssSelector("#errors li"));
            error.click();
            assertThat(chrome.driver.executeScript("return window.nbhubProfileEditor.selectedText();"))
                    .as("clicking an error selects its line").isEqualTo("max_servers: 0");

            type(chrome, "slug: single\ndisplay_name: Two seats\nmax_servers: 2\n");
            chrome.driver.findElement(By.id("validate")).click();
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.id("result"), "Valid"));
            assertThat(chrome.driver.findElements(By.cssSelector("#errors li"))).isEmpty();

            chrome.driver.findElement(By.id("save")).click();
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.id("result"), "Saved"));
        }
        assertThat(Files.readString(file)).isEqualTo("slug: single\ndisplay_name: Two seats\nmax_servers: 2\n");
        var single = hub.adminGet("/hub/api/profiles").path("profiles").get(2);
        assertThat(single.path("display_name").asText()).isEqualTo("Two seats");
        assertThat(single.path("max_servers").asInt()).isEqualTo(2);
        assertThat(hub.login("bob").get("/hub/spawn").body()).contains("Two seats");
    }

    @Test
    void aBrokenFileOnDiskIsShownInABannerAndANonAdminIsRefusedThePage() throws Exception {
        hub.writeProfileFile("07-typo.yaml", "slug: typo\ndispaly_name: Typo\n");
        try (HeadlessChrome chrome = new HeadlessChrome()) {
            chrome.devLogin(hub.baseUrl(), "admin");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));
            chrome.waitUpTo(Duration.ofSeconds(30)).until(d -> {
                d.get(hub.baseUrl() + "/hub/admin/profiles?file=07-typo.yaml");
                return !d.findElements(By.id("reload-error")).isEmpty();
            });
            assertThat(chrome.driver.findElement(By.id("reload-error")).getText())
                    .contains("07-typo.yaml:2:1: unknown key \"dispaly_name\" (did you mean \"display_name\"?)");
            assertThat(chrome.driver.findElement(By.id("in-force")).getText()).doesNotContain("typo");
            assertThat(serverErrorLines(chrome))
                    .as("the refused file's error is marked at its line when the page opens").containsExactly("2");
            assertThat(chrome.driver.findElement(By.cssSelector("#errors li")).getText())
                    .isEqualTo("line 2, column 1: unknown key \"dispaly_name\" (did you mean \"display_name\"?)");

            type(chrome, "slug: typo\ndisplay_name: Typo\n");
            chrome.driver.findElement(By.id("save")).click();
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.id("result"), "Saved"));
            assertThat(chrome.driver.findElements(By.id("reload-error"))).as("the banner goes once it is fixed")
                    .isEmpty();
            chrome.get(hub.baseUrl() + "/hub/admin/profiles");
            assertThat(chrome.driver.findElements(By.id("reload-error"))).isEmpty();
            assertThat(chrome.driver.findElement(By.id("in-force")).getText()).contains("typo");

            chrome.logout(hub.baseUrl());
            chrome.devLogin(hub.baseUrl(), "bob");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));
            chrome.get(hub.baseUrl() + "/hub/admin/profiles");
            assertThat(chrome.driver.getPageSource()).contains("bob may not edit profiles");
            assertThat(chrome.driver.findElements(By.id("yaml"))).isEmpty();
        }
        assertThat(List.of(Files.readString(hub.profilesDir.resolve("07-typo.yaml"))))
                .containsExactly("slug: typo\ndisplay_name: Typo\n");
    }
}
