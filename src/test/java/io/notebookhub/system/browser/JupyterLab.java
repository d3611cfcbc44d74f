package io.notebookhub.system.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** JupyterLab 4 in Chromium, driven as a person does: the launcher, a notebook cell, the File menu. */
public final class JupyterLab {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HeadlessChrome chrome;

    private JupyterLab(HeadlessChrome chrome) {
        this.chrome = chrome;
    }

    /** Waits until the browser shows JupyterLab at {@code path} with its launcher ready. */
    public static JupyterLab awaitOpen(HeadlessChrome chrome, String path, Duration timeout) {
        chrome.waitUpTo(timeout).until(ExpectedConditions.urlContains(path));
        chrome.await(By.cssSelector(".jp-LauncherCard"), timeout);
        return new JupyterLab(chrome);
    }

    /** The page configuration JupyterLab's server writes into the page (appVersion, hubPrefix, hubUser, ...). */
    public JsonNode pageConfig() throws Exception {
        String text = (String) chrome.driver.executeScript(
                "return document.getElementById('jupyter-config-data').textContent;");
        return JSON.readTree(text);
    }

    public String version() throws Exception {
        return pageConfig().path("appVersion").asText();
    }

    /** Opens a Python notebook from the launcher, runs {@code code} in its first cell and returns the output. */
    public String runInNewNotebook(String code, Duration timeout) {
        chrome.driver.findElement(By.cssSelector(".jp-LauncherCard[data-category=\"Notebook\"]")).click();
        WebElement editor = chrome.await(By.cssSelector(".jp-NotebookPanel .jp-Cell .cm-content"), timeout);
        awaitIdleKernel(timeout);
        editor.click();
        editor.sendKeys(code);
        chrome.waitUpTo(Duration.ofSeconds(10)).until(d -> editor.getText().trim().equals(code));
        // JupyterLab runs nothing (the prompt stays "[ ]:") when Shift+Enter comes while the new notebook's
        // document is still being set up; a person would press it again, and so does this.
        for (int attempt = 0; attempt < 3 && !executed(); attempt++) {
            editor.click();
            editor.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
            try {
                chrome.waitUpTo(Duration.ofSeconds(15)).until(d -> executed());
            } catch (org.openqa.selenium.TimeoutException notYet) {
                // pressed too early; again
            }
        }
        try {
            return chrome.waitUpTo(timeout).until(d -> firstOutput());
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no output in JupyterLab within " + timeout + "; the notebook shows:\n"
                    + chrome.driver.findElement(By.cssSelector(".jp-NotebookPanel")).getText() + "\nstatus bar: "
                    + chrome.driver.findElements(By.cssSelector(".jp-StatusBar-Widget")).stream()
                    .map(WebElement::getText).toList(), e);
        }
    }

    /** The first cell's prompt shows it queued, running or run: "[*]:" or "[1]:". */
    private boolean executed() {
        return chrome.driver.findElements(By.cssSelector(".jp-NotebookPanel .jp-Cell .jp-InputPrompt")).stream()
                .findFirst().map(p -> p.getText().matches("\\[(\\*|\\d+)\\]:?")).orElse(false);
    }

    private String firstOutput() {
        List<String> outputs = new ArrayList<>();
        chrome.driver.findElements(By.cssSelector(".jp-NotebookPanel .jp-OutputArea-output"))
                .forEach(o -> outputs.add(o.getText().trim()));
        return outputs.isEmpty() || outputs.get(0).isEmpty() ? null : outputs.get(0);
    }

    /** Waits until the notebook's kernel is connected and idle, as its toolbar and status bar show. */
    private void awaitIdleKernel(Duration timeout) {
        chrome.waitUpTo(timeout).until(d -> !d.findElements(
                By.cssSelector(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status=\"idle\"]")).isEmpty()
                || d.findElements(By.cssSelector(".jp-StatusBar-Widget")).stream()
                        .anyMatch(w -> w.getText().contains("| Idle")));
    }

    /** Clicks an item of the File menu, found by its command (e.g. {@code hub:control-panel}, {@code hub:logout}). */
    public void fileMenu(String command) {
        chrome.driver.findElements(By.cssSelector(".lm-MenuBar-item")).stream()
                .filter(item -> item.getText().trim().equals("File")).findFirst()
                .orElseThrow(() -> new AssertionError("JupyterLab shows no File menu")).click();
        chrome.await(By.cssSelector(".lm-Menu-item[data-command=\"" + command + "\"]"), Duration.ofSeconds(10)).click();
    }
}
