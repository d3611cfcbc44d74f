package io.notebookhub.system.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.Browser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cross-site request forgery against the login form (logging a victim in as the attacker) and against logout (a
 * cross-site image that logs users out). The login form carries an XSRF token tied to a SameSite=Strict cookie;
 * {@code GET /hub/logout} only asks, and the logout POST needs the session's XSRF token.
 */
@SecurityHubTest
class LoginAndLogoutForgeryIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private static HttpResponse<String> post(SecurityHub hub, String path, String form, String cookie)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aLoginFormPostedFromAnotherSiteIsRefusedAndStartsNoSession(SecurityHub hub) throws Exception {
        HttpResponse<String> forged = post(hub, "/hub/login", "username=mallory&password=pw", null);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("nbhub-session=")
                && !c.startsWith("nbhub-session=;"));

        // A token from the attacker's own visit does not go with the victim's (absent or other) login cookie.
        Browser attacker = new Browser(hub.baseUrl());
        String attackersToken = attacker.pageXsrf("/hub/login");
        HttpResponse<String> replayed = post(hub, "/hub/login", "_xsrf=" + attackersToken
                + "&username=mallory&password=pw", "nbhub-login-xsrf=" + "0".repeat(64));
        assertThat(replayed.statusCode()).isEqualTo(403);
    }

    @Test
    void theLoginCookieIsStrictAndScopedToTheHub(SecurityHub hub) throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/hub/login"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
                .startsWith("nbhub-login-xsrf=").contains("SameSite=Strict").contains("Path=/hub/")
                .containsIgnoringCase("HttpOnly"));
    }

    @Test
    void aCrossSiteGetOfTheLogoutUrlOnlyShowsAConfirmationPage(SecurityHub hub) throws Exception {
        Browser alice = hub.browser("alice");
        String session = alice.cookie("nbhub-session");

        HttpResponse<String> page = alice.get("/hub/logout");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("method=\"post\"").contains("id=\"logout-confirm\"");
        assertThat(hub.whoamiStatus(Map.of("Cookie", "nbhub-session=" + session))).isEqualTo(200);
    }

    @Test
    void aLogoutPostWithoutTheSessionsXsrfTokenIsRefused(SecurityHub hub) throws Exception {
        Browser alice = hub.browser("alice");
        String session = alice.cookie("nbhub-session");

        HttpResponse<String> forged = post(hub, "/hub/logout", "", "nbhub-session=" + session);

        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(hub.whoamiStatus(Map.of("Cookie", "nbhub-session=" + session))).isEqualTo(200);
        alice.logout();
        assertThat(hub.whoamiStatus(Map.of("Cookie", "nbhub-session=" + session))).isEqualTo(403);
    }
}
