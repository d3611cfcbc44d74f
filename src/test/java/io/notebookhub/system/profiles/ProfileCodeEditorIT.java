package io.notebookhub.system.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.browser.HeadlessChrome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The profile code editor in headless Chromium: completion and checks from the profile schema while typing, and the
 * hub's own errors (which the schema cannot know, such as guarantee above limit) marked at their line after a save.
 */
class ProfileCodeEditorIT {
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

    private static HeadlessChrome openEditor(String file) throws Exception {
        HeadlessChrome chrome = new HeadlessChrome();
        chrome.devLogin(hub.baseUrl(), "admin");
        chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));
        chrome.get(hub.baseUrl() + "/hub/admin/profiles?file=" + file);
        chrome.await(By.cssSelector("#code-editor .cm-content"), Duration.ofSeconds(30));
        assertThat(chrome.driver.findElement(By.id("yaml")).isDisplayed()).as("the text area is replaced").isFalse();
        return chrome;
    }

    /** Puts the cursor at the end of the text and types as a person does. */
    private static void typeAtEnd(HeadlessChrome chrome, CharSequence... keys) {
        WebElement content = chrome.driver.findElement(By.cssSelector("#code-editor .cm-content"));
        content.click();
        new Actions(chrome.driver).keyDown(Keys.CONTROL).sendKeys(Keys.END).keyUp(Keys.CONTROL).perform();
        new Actions(chrome.driver).sendKeys(keys).perform();
    }

    /** The 1-based lines of the editor that hold a schema error (a red underline). */
    @SuppressWarnings("unchecked")
    private static List<Long> lintErrorLines(HeadlessChrome chrome) {
        return (List<Long>) chrome.driver.executeScript("const lines=[...document.querySelectorAll('#code-editor .cm-line')];"
                + "return lines.map((l,i)=>l.querySelector('.cm-lintRange-error')?i+1:0).filter(n=>n>0);");
    }

    @Test
    void completionOffersGuaranteeUnderCpu() throws Exception {
        try (HeadlessChrome chrome = openEditor("05-completion.yaml")) {
            ProfilesEditorPageIT.type(chrome, "slug: completion\ncpu:\n");
            typeAtEnd(chrome, "  g");
            WebElement popup = chrome.await(By.cssSelector(".cm-tooltip-autocomplete"), Duration.ofSeconds(30));
            assertThat(popup.getText()).contains("guarantee");
            // CodeMirror ignores Enter for its interactionDelay (75 ms) after the list opens, and a driver that fast
            // would insert a newline instead of accepting; the list gives no sign of that moment, so wait it out.
            Thread.sleep(300);
            new Actions(chrome.driver).sendKeys(Keys.ENTER).perform();
            assertThat(chrome.driver.executeScript("return window.nbhubProfileEditor.text();").toString())
                    .as("accepting the completion writes the key").contains("cpu:\n  guarantee");
        }
    }

    @Test
    void aSchemaErrorIsMarkedAtItsLineBeforeSaving() throws Exception {
        try (HeadlessChrome chrome = openEditor("06-typo.yaml")) {
            ProfilesEditorPageIT.type(chrome, "slug: typo\ndisplay_name: Typo\ncpu:\n  limit: 2\n");
            typeAtEnd(chrome, "max_servrs: 1");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(d -> !lintErrorLines(chrome).isEmpty());
            assertThat(lintErrorLines(chrome)).containsExactly(5L);
            assertThat(chrome.driver.findElements(By.cssSelector("#code-editor .cm-gutter-lint .cm-lint-marker-error")))
                    .as("and in the gutter").isNotEmpty();
            assertThat(Files.exists(hub.profilesDir.resolve("06-typo.yaml"))).as("nothing was saved").isFalse();
        }
    }

    @Test
    void afterABadSaveTheHubsErrorIsMarkedAtItsLine() throws Exception {
        Path file = hub.profilesDir.resolve("03-single.yaml");
        String before = Files.readString(file);
        try (HeadlessChrome chrome = openEditor("03-single.yaml")) {
            // Valid for the schema; the hub refuses a guarantee above the limit.
            ProfilesEditorPageIT.type(chrome, "slug: single\ndisplay_name: Single seat\ncpu:\n  guarantee: 4\n"
                    + "  limit: 2\n");
            chrome.driver.findElement(By.id("save")).click();
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.id("result"), "nothing was saved"));
            WebElement error = chrome.driver.findElement(By.cssSelector("#errors li"));
            int line = Integer.parseInt(error.getAttribute("data-line"));
            assertThat(line).isBetween(3, 5);
            assertThat(ProfilesEditorPageIT.serverErrorLines(chrome)).containsExactly(String.valueOf(line));
            assertThat(chrome.driver.findElements(By.cssSelector("#code-editor .cm-line.cm-server-error-line")))
                    .hasSize(1);
            assertThat(Files.readString(file)).isEqualTo(before);
        }
    }

    @Test
    void withoutTheCodeEditorThePageKeepsItsTextAreaAndMarksErrorsInItsGutter() throws Exception {
        try (HeadlessChrome chrome = new HeadlessChrome()) {
            // As a hub built without Node serves it: no editor.js.
            chrome.driver.executeCdpCommand("Network.enable", Map.of());
            chrome.driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*/editor.js*")));
            chrome.devLogin(hub.baseUrl(), "admin");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));
            chrome.get(hub.baseUrl() + "/hub/admin/profiles?file=08-plain.yaml");
            assertThat(chrome.driver.findElements(By.id("code-editor"))).isEmpty();
            WebElement text = chrome.driver.findElement(By.id("yaml"));
            assertThat(text.isDisplayed()).isTrue();
            text.sendKeys("slug: plain\nmax_servers: 0\n");
            chrome.driver.findElement(By.id("validate")).click();
            chrome.await(By.cssSelector("#errors li"), Duration.ofSeconds(30));
            assertThat(chrome.driver.findElement(By.id("gutter-bad-2")).getText()).isEqualTo("2");
        }
    }
}
