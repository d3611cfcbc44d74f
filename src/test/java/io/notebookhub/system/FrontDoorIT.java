package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.browser.HeadlessChrome;
import io.notebookhub.system.browser.JupyterLab;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The hub opened as README tells a person to: the jar run from the repository's folder with its default notebook
 * server (JupyterHub 5 and JupyterLab 4 from the virtual environment {@code .ci/install-tools} makes), and a browser
 * pointed at the address the hub prints.
 */
class FrontDoorIT {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path temp;
    static HubProcess hub;

    @BeforeAll
    static void startHub() throws Exception {
        hub = new HubProcess(temp.resolve("data"), List.of()).asReadmeStartsIt().start();
    }

    @AfterAll
    static void stopHub() throws Exception {
        if (hub != null) {
            hub.stopServerOnClose("dora");
            hub.close();
        }
    }

    /** The address the hub prints when it is up: README's http://127.0.0.1:8000/ on this test's port. */
    private static String printedAddress() {
        String marker = "Notebook Hub is running at ";
        String log = hub.logText();
        int at = log.lastIndexOf(marker);
        assertThat(at).as("the hub prints its address:\n" + log).isNotNegative();
        String address = log.substring(at + marker.length()).split("\\s")[0];
        assertThat(address).isEqualTo(hub.baseUrl() + "/");
        return address;
    }

    private static HttpResponse<String> getWithoutFollowing(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.baseUrl() + path)).timeout(Duration.ofSeconds(30));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eachFrontDoorLeadsAStrangerToTheLoginPageInAtMostTwoRedirects() throws Exception {
        assertThat(getWithoutFollowing("/", null).headers().firstValue("Location")).hasValue("/hub/");
        assertThat(getWithoutFollowing("/hub", null).headers().firstValue("Location")).hasValue("/hub/");
        HttpResponse<String> hubSlash = getWithoutFollowing("/hub/", null);
        assertThat(hubSlash.statusCode()).isEqualTo(302);
        assertThat(hubSlash.headers().firstValue("Location")).get().asString().startsWith("/hub/login");
        HttpResponse<String> login = new Browser(hub.baseUrl()).get("/");
        assertThat(login.uri().getPath()).isEqualTo("/hub/login");
        assertThat(login.body()).contains("for development only");
    }

    @Test
    void aPersonOpensThePrintedAddressLogsInStartsTheDefaultProfileAndRunsACellInJupyterLab() throws Exception {
        try (HeadlessChrome chrome = new HeadlessChrome()) {
            String address = printedAddress();
            chrome.get(address);
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/login"));
            chrome.submitDevLoginForm("dora");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));

            chrome.driver.findElement(By.cssSelector("#servers a.start")).click();
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/spawn"));
            assertThat(chrome.driver.findElement(By.cssSelector("#profile-small input[type=radio]")).isSelected())
                    .as("the default profile is preselected").isTrue();
            chrome.driver.findElement(By.id("start")).click();

            JupyterLab lab = JupyterLab.awaitOpen(chrome, "/user/dora/lab", Duration.ofSeconds(150));
            assertThat(lab.version()).as("JupyterLab's version in its page").startsWith("4.");
            assertThat(lab.runInNewNotebook("6*7", Duration.ofSeconds(120))).isEqualTo("42");

            // Logged in with a running server, the printed address leads straight to it.
            chrome.get(address);
            chrome.waitUpTo(Duration.ofSeconds(60)).until(ExpectedConditions.urlContains("/user/dora/lab"));
        }
        var server = HubApi.adminGet(hub, "/hub/api/users/dora").path("servers").path("");
        assertThat(server.path("profile").asText()).isEqualTo("small");
        assertThat(server.path("ready").asBoolean()).isTrue();
    }
}
