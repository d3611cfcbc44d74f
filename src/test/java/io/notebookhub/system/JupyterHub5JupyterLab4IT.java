package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.browser.HeadlessChrome;
import io.notebookhub.system.browser.JupyterLab;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The contract against JupyterHub 5's single-user server with JupyterLab 4, from PyPI (the embedded default). */
class JupyterHub5JupyterLab4IT extends SingleUserServerContract {
    private static final Pattern HUB_PREFIX = Pattern.compile("\"hubPrefix\": \"([^\"]*)\"");

    @Override
    SingleUserServer server() {
        return SingleUserServer.JUPYTERHUB_5_JUPYTERLAB_4;
    }

    /** JupyterLab builds its hub links from the page configuration's hubPrefix. */
    @Override
    String hubLogoLinkedFrom(String serverPage) {
        Matcher m = HUB_PREFIX.matcher(serverPage);
        assertThat(m.find()).as("JupyterLab's page configuration names the hub:\n" + serverPage).isTrue();
        return m.group(1) + "logo";
    }

    @Override
    void openControlPanelFromTheServer(HeadlessChrome chrome) throws Exception {
        JupyterLab lab = JupyterLab.awaitOpen(chrome, ui("alice"), Duration.ofSeconds(90));
        assertThat(lab.version()).startsWith("4.");
        String labWindow = chrome.driver.getWindowHandle();
        lab.fileMenu("hub:control-panel");
        // JupyterLab opens the Control Panel in a new tab.
        chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.numberOfWindowsToBe(2));
        String panel = chrome.driver.getWindowHandles().stream().filter(h -> !h.equals(labWindow)).findFirst()
                .orElseThrow();
        chrome.driver.switchTo().window(panel);
        chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));
        assertThat(chrome.driver.getCurrentUrl()).startsWith(hub.baseUrl() + "/hub/home");
        chrome.driver.close();
        chrome.driver.switchTo().window(labWindow);
    }

    @Override
    void logOutFromTheServer(HeadlessChrome chrome) throws Exception {
        JupyterLab.awaitOpen(chrome, ui("alice"), Duration.ofSeconds(90)).fileMenu("hub:logout");
    }
}
