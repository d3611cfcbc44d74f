package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.browser.HeadlessChrome;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The contract against Debian's JupyterHub 3.0 single-user server with the classic notebook 6.4. */
class DebianJupyterHub3Notebook6IT extends SingleUserServerContract {
    private static final Pattern LOGO = Pattern.compile("<img src='([^']*)' alt='Jupyter Notebook'");

    @Override
    SingleUserServer server() {
        return SingleUserServer.DEBIAN_JUPYTERHUB_3_NOTEBOOK_6;
    }

    /** The classic notebook's header shows the hub's logo. */
    @Override
    String hubLogoLinkedFrom(String serverPage) {
        Matcher m = LOGO.matcher(serverPage);
        assertThat(m.find()).as("the notebook's header shows a logo:\n" + serverPage).isTrue();
        return m.group(1);
    }

    @Override
    void openControlPanelFromTheServer(HeadlessChrome chrome) {
        chrome.await(By.id("notebook_list"), Duration.ofSeconds(60));
        Object logoWidth = chrome.driver.executeScript(
                "const i=document.querySelector(\"img[alt='Jupyter Notebook']\");return i.complete?i.naturalWidth:-1;");
        assertThat(((Number) logoWidth).intValue()).as("the hub's logo loads in the header").isPositive();
        chrome.driver.findElement(By.id("jupyterhub-control-panel-link")).click();
        chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));
    }

    @Override
    void logOutFromTheServer(HeadlessChrome chrome) {
        chrome.await(By.id("logout"), Duration.ofSeconds(60)).click();
    }
}
