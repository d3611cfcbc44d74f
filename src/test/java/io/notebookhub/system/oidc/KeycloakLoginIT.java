package io.notebookhub.system.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.HubApi;
import io.notebookhub.system.HubProcess;
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

/**
 * People in a real browser signing in on Keycloak's own login page: group membership from the ID token decides
 * which profiles they see, the spawn lands in the notebook UI through the proxy, and logout ends the Keycloak
 * session too.
 */
class KeycloakLoginIT {
    private static final String CLIENT_SECRET = "keycloak-it-client-secret";

    @TempDir
    static Path temp;
    static Keycloak keycloak;
    static HubProcess hub;

    @BeforeAll
    static void start() throws Exception {
        hub = new HubProcess(temp.resolve("data"), List.of());
        if ("root".equals(System.getProperty("user.name"))) {
            // A root hub with a real identity provider runs servers unprivileged (.ci/install-tools creates the
            // account), which must be able to reach its folder under the data folder.
            hub.env.put("NBHUB_SPAWNER_LOCAL_RUN_AS_USER", "nbhub-user");
            java.nio.file.Files.setPosixFilePermissions(temp,
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        keycloak = new Keycloak(temp.resolve("keycloak.log")).start(hub.baseUrl(), CLIENT_SECRET);
        hub.env.put("NBHUB_AUTH_TYPE", "keycloak");
        hub.env.put("NBHUB_AUTH_ISSUER_URL", "http://127.0.0.1:" + keycloak.port);
        hub.env.put("NBHUB_AUTH_REALM", Keycloak.REALM);
        hub.env.put("NBHUB_AUTH_CLIENT_ID", Keycloak.CLIENT_ID);
        hub.env.put("NBHUB_AUTH_CLIENT_SECRET", CLIENT_SECRET);
        hub.env.put("NBHUB_AUTH_CALLBACK_URL", hub.baseUrl() + "/hub/oauth_callback");
        hub.env.put("NBHUB_AUTH_ALLOWED_USERS", "bob");
        hub.env.put("NBHUB_AUTH_ALLOWED_GROUPS", "gpu-users");
        hub.env.put("NBHUB_AUTH_END_PROVIDER_SESSION", "true");
        hub.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (hub != null) {
                HubApi.call(hub, "DELETE", "/hub/api/users/alice/server", null, HubProcess.ADMIN_TOKEN);
                hub.close();
            }
        } finally {
            if (keycloak != null) {
                keycloak.close();
            }
        }
    }

    private static void signInOnKeycloak(HeadlessChrome chrome, String user, String password) {
        chrome.await(By.id("oauth-login"), Duration.ofSeconds(30)).click();
        chrome.waitUpTo(Duration.ofSeconds(60)).until(ExpectedConditions.urlContains(keycloak.issuer()));
        chrome.await(By.id("username"), Duration.ofSeconds(60)).sendKeys(user);
        chrome.driver.findElement(By.id("password")).sendKeys(password);
        chrome.driver.findElement(By.id("kc-login")).click();
    }

    @Test
    void aliceInGpuUsersSeesTheGpuProfileSpawnsAndLogsOutAndBobDoesNotSeeIt() throws Exception {
        try (HeadlessChrome chrome = new HeadlessChrome()) {
            chrome.get(hub.baseUrl() + "/hub/spawn");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/login"));
            signInOnKeycloak(chrome, "alice", "alice-password");
            chrome.waitUpTo(Duration.ofSeconds(60)).until(ExpectedConditions.urlToBe(hub.baseUrl() + "/hub/spawn"));
            assertThat(chrome.driver.findElements(By.id("profile-gpu")))
                    .as("alice is in gpu-users at Keycloak").hasSize(1);

            chrome.driver.findElement(By.cssSelector("#profile-small input[type=radio]")).click();
            chrome.driver.findElement(By.id("start")).click();
            chrome.waitUpTo(Duration.ofSeconds(120)).until(ExpectedConditions.urlContains("/user/alice/tree"));
            chrome.await(By.id("notebook_list"), Duration.ofSeconds(60));

            chrome.logout(hub.baseUrl());
            chrome.waitUpTo(Duration.ofSeconds(60)).until(ExpectedConditions.urlContains(hub.baseUrl() + "/hub/login"));
            chrome.get(hub.baseUrl() + "/hub/spawn");
            chrome.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/login"));

            // Keycloak asks for a password again: logout ended the provider's session as well.
            signInOnKeycloak(chrome, "bob", "bob-password");
            chrome.waitUpTo(Duration.ofSeconds(60)).until(ExpectedConditions.urlToBe(hub.baseUrl() + "/hub/spawn"));
            assertThat(chrome.driver.findElements(By.id("profile-small"))).hasSize(1);
            assertThat(chrome.driver.findElements(By.id("profile-gpu")))
                    .as("bob is not in gpu-users").isEmpty();
        }
        assertThat(HubApi.call(hub, "GET", "/hub/api/users/alice", null, HubProcess.ADMIN_TOKEN).body()).contains("gpu-users");
        // Keycloak's realm also publishes an encryption key (RSA-OAEP, use: enc): skipped without a stack trace.
        assertThat(hub.logText()).doesNotContain("Unsupported JWK");
    }
}
