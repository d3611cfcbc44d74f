package io.notebookhub.system.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.browser.HeadlessChrome;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** An admin in a real browser on /hub/admin: add a user, start and stop their server, search, make admin. */
class AdminPageIT {
    @TempDir
    static Path temp;
    static AdminHub hub;

    @BeforeAll
    static void start() throws Exception {
        hub = new AdminHub(temp.resolve("data")).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.admin("DELETE", "/hub/api/users/erin/server", null);
            hub.close();
        }
    }

    private static By row(String user) {
        return By.cssSelector("tr.user[data-user='" + user + "']");
    }

    private static String state(HeadlessChrome chrome, String user) {
        return chrome.driver.findElement(row(user)).findElement(By.cssSelector("td.state")).getText();
    }

    @Test
    void anAdminAddsAUserStartsAndStopsTheirServerAndMakesThemAdmin() throws Exception {
        try (HeadlessChrome chrome = new HeadlessChrome()) {
            chrome.devLogin(hub.baseUrl(), "admin");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));
            chrome.driver.findElement(By.id("admin-link")).click();
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/admin"));

            chrome.driver.findElement(By.cssSelector("#add summary")).click();
            chrome.driver.findElement(By.id("add-usernames")).sendKeys("erin\nfrank");
            chrome.driver.findElement(By.id("add-users")).click();
            chrome.await(row("erin"), Duration.ofSeconds(30));
            assertThat(chrome.driver.findElements(row("frank"))).hasSize(1);
            assertThat(state(chrome, "erin")).isEqualTo("not started");

            chrome.driver.findElement(row("erin")).findElement(By.cssSelector("button.start")).click();
            chrome.waitUpTo(Duration.ofSeconds(120)).until(d -> {
                try {
                    return state(chrome, "erin").equals("running");
                } catch (RuntimeException stale) {
                    return false;
                }
            });
            WebElement erin = chrome.driver.findElement(row("erin"));
            assertThat(erin.findElement(By.cssSelector("td.profile")).getText()).isNotBlank();
            assertThat(erin.findElement(By.cssSelector("a.open")).getAttribute("href")).endsWith("/user/erin/");
            assertThat(hub.adminJson("GET", "/hub/api/users/erin", null, 200).path("servers").path("")
                    .path("ready").asBoolean()).isTrue();

            erin.findElement(By.cssSelector("button.stop")).click();
            chrome.waitUpTo(Duration.ofSeconds(90)).until(d -> {
                try {
                    return state(chrome, "erin").equals("stopped");
                } catch (RuntimeException stale) {
                    return false;
                }
            });
            assertThat(hub.adminJson("GET", "/hub/api/users/erin", null, 200).path("servers").size()).isZero();

            chrome.driver.findElement(row("frank")).findElement(By.cssSelector("button.toggle-admin")).click();
            chrome.waitUpTo(Duration.ofSeconds(30)).until(d -> {
                try {
                    return state(chrome, "frank") != null && d.findElement(row("frank"))
                            .findElement(By.cssSelector("td.admin")).getText().equals("admin");
                } catch (RuntimeException stale) {
                    return false;
                }
            });
            assertThat(hub.adminJson("GET", "/hub/api/users/frank", null, 200).path("admin").asBoolean()).isTrue();

            chrome.driver.findElement(By.id("name-filter")).sendKeys("fra");
            chrome.driver.findElement(By.cssSelector("#search input[type=submit]")).click();
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("name_filter=fra"));
            assertThat(chrome.driver.findElements(By.cssSelector("tr.user"))).hasSize(1);
            assertThat(chrome.driver.findElements(row("frank"))).hasSize(1);
        }
    }

    @Test
    void anAdminSortsUsersByNameAndByLastActivityKeepingTheSearch() throws Exception {
        hub.adminJson("POST", "/hub/api/users", "{\"usernames\": [\"sortb\", \"sorta\", \"sortc\"]}", 201);
        String[][] activity = {{"sorta", "2026-01-02T00:00:00Z"}, {"sortb", "2026-01-03T00:00:00Z"},
            {"sortc", "2026-01-01T00:00:00Z"}};
        for (String[] a : activity) {
            hub.adminJson("POST", "/hub/api/users/" + a[0] + "/activity", "{\"last_activity\": \"" + a[1] + "\"}", 200);
        }
        try (HeadlessChrome chrome = new HeadlessChrome()) {
            chrome.devLogin(hub.baseUrl(), "admin");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));
            chrome.get(hub.baseUrl() + "/hub/admin?name_filter=sort");
            assertThat(userOrder(chrome)).containsExactly("sorta", "sortb", "sortc");

            chrome.driver.findElement(By.id("sort-activity")).click();
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("sort=-last_activity"));
            assertThat(chrome.driver.getCurrentUrl()).contains("name_filter=sort");
            assertThat(userOrder(chrome)).containsExactly("sortb", "sorta", "sortc");

            chrome.driver.findElement(By.id("sort-activity")).click();
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlMatches("sort=last_activity"));
            assertThat(userOrder(chrome)).containsExactly("sortc", "sorta", "sortb");

            chrome.driver.findElement(By.id("sort-name")).click();
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlMatches("sort=name"));
            chrome.driver.findElement(By.id("sort-name")).click();
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("sort=-name"));
            assertThat(userOrder(chrome)).containsExactly("sortc", "sortb", "sorta");
        }
    }

    private static java.util.List<String> userOrder(HeadlessChrome chrome) {
        return chrome.driver.findElements(By.cssSelector("tr.user")).stream()
                .map(tr -> tr.getAttribute("data-user")).distinct().toList();
    }

    @Test
    void aUserWhoIsNotAnAdminIsRefusedTheAdminPage() throws Exception {
        try (HeadlessChrome chrome = new HeadlessChrome()) {
            chrome.devLogin(hub.baseUrl(), "grace");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));
            assertThat(chrome.driver.findElements(By.id("admin-link"))).isEmpty();
            chrome.get(hub.baseUrl() + "/hub/admin");
            assertThat(chrome.driver.getPageSource()).contains("403").contains("admin-ui");
            assertThat(chrome.driver.findElements(By.id("users"))).isEmpty();
        }
    }

    @Test
    void aUserRequestsATokenOnTheTokenPageUsesItAndRevokesIt() throws Exception {
        try (HeadlessChrome chrome = new HeadlessChrome()) {
            chrome.devLogin(hub.baseUrl(), "heidi");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));
            chrome.get(hub.baseUrl() + "/hub/token");
            chrome.driver.findElement(By.id("token-note")).sendKeys("my script");
            chrome.driver.findElement(By.cssSelector("#request-token-form input[type=submit]")).click();
            String token = chrome.await(By.id("token"), Duration.ofSeconds(30)).getText();
            assertThat(token).hasSizeGreaterThan(20);
            var me = hub.call("GET", "/hub/api/user", null, token);
            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(AdminHub.JSON.readTree(me.body()).path("name").asText()).isEqualTo("heidi");

            chrome.get(hub.baseUrl() + "/hub/token");
            assertThat(chrome.driver.findElement(By.id("tokens")).getText()).contains("my script");
            chrome.driver.findElement(By.cssSelector("button.revoke")).click();
            chrome.waitUpTo(Duration.ofSeconds(30)).until(d -> {
                try {
                    return !d.findElement(By.id("tokens")).getText().contains("my script");
                } catch (RuntimeException stale) {
                    return false;
                }
            });
            assertThat(hub.call("GET", "/hub/api/user", null, token).statusCode()).isEqualTo(403);
        }
    }
}
