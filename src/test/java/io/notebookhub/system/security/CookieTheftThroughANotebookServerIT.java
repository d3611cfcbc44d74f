package io.notebookhub.system.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.Browser;
import io.notebookhub.system.HubProcess;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mallory logs the request headers in her own notebook server and sends alice a link to it. Whatever alice's browser
 * sends there must not let mallory act as alice: the hub's session cookie is scoped to {@code /hub/}, and the proxy
 * strips the hub's cookies (and the admin token) from anything it forwards to a user's server, in case a browser
 * still holds a cookie from a hub that scoped it to {@code /}.
 */
@SecurityHubTest
class CookieTheftThroughANotebookServerIT {

    @Test
    void theSessionCookieIsScopedToTheHubPrefix(SecurityHub hub) throws Exception {
        Browser alice = new Browser(hub.baseUrl());
        HttpResponse<String> page = alice.get("/hub/login");
        String xsrf = Browser.formXsrf(page.body());
        HttpResponse<String> login = alice.client.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/hub/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_xsrf=" + xsrf + "&username=alice&password=pw"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.uri().getPath()).isEqualTo("/hub/home");
        List<HttpCookie> session = alice.cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals("nbhub-session")).toList();
        assertThat(session).singleElement().satisfies(c -> {
            assertThat(c.getPath()).isEqualTo("/hub/");
            assertThat(c.isHttpOnly()).isTrue();
        });
        // What the browser's cookie manager would send with a request to mallory's server:
        assertThat(alice.cookies.get(URI.create(hub.baseUrl() + "/user/mallory/"), Map.of()).values())
                .allSatisfy(values -> assertThat(values).noneMatch(v -> v.contains("nbhub-session")));
        assertThat(alice.cookies.get(URI.create(hub.baseUrl() + "/hub/home"), Map.of()).values())
                .anySatisfy(values -> assertThat(values).anyMatch(v -> v.contains("nbhub-session")));
    }

    @Test
    void mallorysServerNeverSeesAlicesHubSessionEvenFromABrowserHoldingARootScopedCookie(SecurityHub hub)
            throws Exception {
        hub.admin("POST", "/hub/api/users/mallory", null);
        Browser alice = hub.browser("alice");
        String aliceSession = alice.cookie("nbhub-session");
        try (HeaderLoggingServer mallory = new HeaderLoggingServer()) {
            hub.routeToAttackerServer("mallory", mallory.port());

            assertThat(alice.get("/user/mallory/tree").body()).isEqualTo("logged");
            // A cookie left at Path=/ by an older hub, plus the hub's other cookies and the admin token: a browser
            // or script would send them all.
            HttpResponse<String> replay = alice.client.send(HttpRequest.newBuilder(URI.create(hub.baseUrl()
                            + "/user/mallory/api/contents"))
                    .header("Cookie", "nbhub-session=" + aliceSession + "; nbhub-login-xsrf=x; "
                            + "nbhub-oauth-state=y; _xsrf=mallorys-own")
                    .header("Authorization", "token " + HubProcess.ADMIN_TOKEN)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(replay.body()).isEqualTo("logged");

            assertThat(mallory.seen).hasSizeGreaterThanOrEqualTo(2);
            assertThat(mallory.credentials()).noneMatch(v -> v.contains(aliceSession))
                    .noneMatch(v -> v.contains("nbhub-")).noneMatch(v -> v.contains(HubProcess.ADMIN_TOKEN));
            assertThat(mallory.credentials()).as("the server's own cookies still reach it")
                    .anyMatch(v -> v.contains("_xsrf=mallorys-own"));
        }
        // alice's session is still hers alone and still works at the hub.
        assertThat(hub.whoamiStatus(Map.of("Cookie", "nbhub-session=" + aliceSession))).isEqualTo(200);
    }

    @Test
    void aUsersOwnApiTokenStillReachesTheirServerSoApiAccessToServersKeepsWorking(SecurityHub hub) throws Exception {
        hub.admin("POST", "/hub/api/users/mallory", null);
        String token = hub.tokenOf("mallory");
        try (HeaderLoggingServer mallory = new HeaderLoggingServer()) {
            hub.routeToAttackerServer("mallory", mallory.port());
            hub.call("GET", "/user/mallory/api/status", null, token);
            assertThat(mallory.credentials()).contains("token " + token);
        }
    }
}
