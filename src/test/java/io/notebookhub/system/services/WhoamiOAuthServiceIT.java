package io.notebookhub.system.services;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.notebookhub.system.Browser;
import io.notebookhub.system.HubApi;
import io.notebookhub.system.HubProcess;
import io.notebookhub.system.browser.HeadlessChrome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * JupyterHub's whoami-oauth example service, written on {@code jupyterhub.services.auth.HubOAuth} (JupyterHub's
 * Python package, not our code), runs as a managed service at {@code /services/whoami/}: Chromium logs alice in
 * through our hub's OAuth provider, after the consent page JupyterHub shows (skipped for a service with
 * {@code oauth_no_confirm}), and an anonymous request is sent to log in instead of being answered.
 */
class WhoamiOAuthServiceIT {
    @TempDir
    Path temp;

    @Test
    void aHubOAuthServiceLogsAliceInThroughTheHubAndRefusesAnAnonymousRequest() throws Exception {
        Path script = ServicesHub.resource("services/whoami-oauth.py", temp);
        String yaml = """
                hub:
                  services:
                    - name: whoami
                      url: http://127.0.0.1:%d
                      command: [%s, %s]
                    - name: whoami-trusted
                      url: http://127.0.0.1:%d
                      command: [%s, %s]
                      oauth_no_confirm: true
                      display: false
                  load_roles:
                    - name: user
                      description: every user may log in to the trusted service
                      scopes: [self, "access:services!service=whoami-trusted"]
                    - name: whoami-users
                      scopes: ["access:services!service=whoami"]
                      users: [alice]
                """.formatted(HubProcess.freePort(), ServicesHub.python(), script, HubProcess.freePort(),
                ServicesHub.python(), script);
        try (HubProcess hub = ServicesHub.hub(temp, yaml); HeadlessChrome chrome = new HeadlessChrome()) {
            hub.start();
            ServicesHub.awaitPid(hub, "whoami", 0);
            awaitAnswering(hub, "/services/whoami/");
            awaitAnswering(hub, "/services/whoami-trusted/");

            HttpClient anonymous = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            HttpResponse<String> refused = anonymous.send(HttpRequest.newBuilder(
                    URI.create(hub.baseUrl() + "/services/whoami/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(302);
            assertThat(refused.headers().firstValue("Location").orElseThrow())
                    .contains("/hub/api/oauth2/authorize").contains("client_id=service-whoami");
            HttpResponse<String> followed = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                    .send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/services/whoami/")).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(followed.uri().getPath()).isEqualTo("/hub/login");
            assertThat(followed.body()).doesNotContain("\"kind\"");

            // bob holds no access:services for whoami: the hub refuses him a code. alice's consent needs the form's
            // XSRF token, so a forged post cannot grant a service access in her name.
            Browser bob = new Browser(hub.baseUrl());
            bob.login("bob");
            String authorize = "/hub/api/oauth2/authorize?client_id=service-whoami&response_type=code"
                    + "&redirect_uri=/services/whoami/oauth_callback&state=s";
            assertThat(bob.get(authorize).statusCode()).isEqualTo(403);
            Browser alice = new Browser(hub.baseUrl());
            alice.login("alice");
            HttpResponse<String> consent = alice.get(authorize);
            assertThat(consent.statusCode()).isEqualTo(200);
            assertThat(consent.body()).contains("id=\"oauth-question\"");
            assertThat(alice.postForm(authorize, "").statusCode()).isEqualTo(403);

            chrome.devLogin(hub.baseUrl(), "alice");
            chrome.get(hub.baseUrl() + "/hub/home");
            assertThat(chrome.await(By.id("service-whoami"), Duration.ofSeconds(30)).getAttribute("href"))
                    .endsWith("/services/whoami/");
            assertThat(chrome.driver.findElements(By.id("service-whoami-trusted"))).as("display: false").isEmpty();

            chrome.get(hub.baseUrl() + "/services/whoami/");
            assertThat(chrome.await(By.id("oauth-question"), Duration.ofSeconds(30)).getText())
                    .contains("whoami").contains("alice");
            chrome.driver.findElement(By.id("authorize")).click();
            JsonNode me = whoamiPage(chrome, "/services/whoami/");
            assertThat(me.path("kind").asText()).isEqualTo("user");
            assertThat(me.path("name").asText()).isEqualTo("alice");
            assertThat(me.path("scopes").toString()).contains("access:services!service=whoami");

            chrome.get(hub.baseUrl() + "/services/whoami/");
            assertThat(whoamiPage(chrome, "/services/whoami/").path("name").asText())
                    .as("the service's own cookie now identifies alice").isEqualTo("alice");

            chrome.get(hub.baseUrl() + "/services/whoami-trusted/");
            assertThat(whoamiPage(chrome, "/services/whoami-trusted/").path("name").asText())
                    .as("oauth_no_confirm: no consent page").isEqualTo("alice");
        }
    }

    private static JsonNode whoamiPage(HeadlessChrome chrome, String path) throws Exception {
        chrome.waitUpTo(Duration.ofSeconds(30)).until(d -> d.getCurrentUrl().endsWith(path)
                && d.findElement(By.tagName("body")).getText().contains("\"name\""));
        return HubApi.JSON.readTree(chrome.driver.findElement(By.tagName("body")).getText());
    }

    private static void awaitAnswering(HubProcess hub, String path) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .ignoreExceptions().until(() -> {
                    int status = hub.call("GET", path, null, null).statusCode();
                    return status == 302;
                });
    }
}
