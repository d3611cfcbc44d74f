package io.notebookhub.system.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.Browser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Someone who copied a session cookie (or a notebook server's OAuth token) replays it after the session should have
 * ended: after logout, after an admin's "log out everywhere", after the user was deleted and a user of the same name
 * created. Sessions are server-side records, so each of these ends them at once.
 */
@SecurityHubTest
class SessionReplayAfterLogoutIT {

    private static Map<String, String> cookie(String session) {
        return Map.of("Cookie", "nbhub-session=" + session);
    }

    @Test
    void aCookieCopiedBeforeLogoutIsRefusedAtOnceAfterIt(SecurityHub hub) throws Exception {
        Browser alice = hub.browser("alice");
        String copied = alice.cookie("nbhub-session");
        assertThat(hub.whoamiStatus(cookie(copied))).isEqualTo(200);

        HttpResponse<String> out = alice.logout();

        assertThat(out.uri().getPath()).isEqualTo("/hub/login");
        assertThat(hub.whoamiStatus(cookie(copied))).isEqualTo(403);
        assertThat(hub.logText()).contains("user alice logged in").contains("user alice logged out");
    }

    @Test
    void logoutEndsTheNotebookServerTokensThatTheSessionObtained(SecurityHub hub) throws Exception {
        Browser alice = hub.browser("alice");
        String access = oauthTokenForAlicesServer(hub, alice);
        assertThat(hub.whoamiStatus(Map.of("Authorization", "token " + access))).isEqualTo(200);

        alice.logout();

        assertThat(hub.whoamiStatus(Map.of("Authorization", "token " + access))).isEqualTo(403);
    }

    /**
     * The OAuth flow alice's notebook server runs when her browser opens it: the browser is sent to the hub's
     * authorize endpoint and comes back with a code, which the server (here: the test, with the server's own
     * credentials read from its process) exchanges for a token that is then kept in the server's cookie.
     */
    static String oauthTokenForAlicesServer(SecurityHub hub, Browser alice) throws Exception {
        HttpResponse<String> token = exchange(hub, authorizationCode(hub, alice), null);
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return SecurityHub.JSON.readTree(token.body()).get("access_token").asText();
    }

    /** The code the hub gives alice's browser for her server, as the server's OAuth callback would receive it. */
    static String authorizationCode(SecurityHub hub, Browser alice) throws Exception {
        HttpClient noRedirects = HttpClient.newBuilder().cookieHandler(alice.cookies)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> authorize = noRedirects.send(HttpRequest.newBuilder(URI.create(hub.baseUrl()
                + "/hub/api/oauth2/authorize?client_id=jupyterhub-user-alice&response_type=code&state=s"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(authorize.statusCode()).as(authorize.body()).isEqualTo(302);
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(authorize.headers().firstValue("Location")
                .orElseThrow());
        assertThat(code.find()).isTrue();
        return code.group(1);
    }

    /** The server's side of the flow: the code exchanged with the server's own credentials. */
    static HttpResponse<String> exchange(SecurityHub hub, String code, String redirectUri) throws Exception {
        String secret = hub.serverEnvironment("alice").get("JUPYTERHUB_API_TOKEN");
        String form = "grant_type=authorization_code&client_id=jupyterhub-user-alice&client_secret="
                + URLEncoder.encode(secret, StandardCharsets.UTF_8) + "&code=" + code
                + (redirectUri == null ? "" : "&redirect_uri=" + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.baseUrl()
                        + "/hub/api/oauth2/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anAdminLogsAUserOutOfEveryBrowserAtOnce(SecurityHub hub) throws Exception {
        hub.admin("POST", "/hub/api/users/dave", null);
        String laptop = hub.browser("dave").cookie("nbhub-session");
        String phone = hub.browser("dave").cookie("nbhub-session");
        assertThat(hub.whoamiStatus(cookie(laptop))).isEqualTo(200);
        assertThat(hub.whoamiStatus(cookie(phone))).isEqualTo(200);

        String bobsToken = hub.tokenOf("bob");
        assertThat(hub.call("DELETE", "/hub/api/users/dave/sessions", null, bobsToken).statusCode())
                .as("another user may not").isIn(403, 404);
        assertThat(hub.whoamiStatus(cookie(laptop))).isEqualTo(200);

        HttpResponse<String> r = hub.admin("DELETE", "/hub/api/users/dave/sessions", null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        assertThat(hub.whoamiStatus(cookie(laptop))).isEqualTo(403);
        assertThat(hub.whoamiStatus(cookie(phone))).isEqualTo(403);
        assertThat(hub.browser("admin").get("/hub/admin").body()).contains("class=\"logout-everywhere\"");
    }

    @Test
    void aUserCreatedAgainUnderADeletedUsersNameDoesNotInheritTheirSessions(SecurityHub hub) throws Exception {
        hub.admin("POST", "/hub/api/users/erin", null);
        String session = hub.browser("erin").cookie("nbhub-session");
        assertThat(hub.whoamiStatus(cookie(session))).isEqualTo(200);

        assertThat(hub.admin("DELETE", "/hub/api/users/erin", null).statusCode()).isEqualTo(204);
        assertThat(hub.whoamiStatus(cookie(session))).isEqualTo(403);
        assertThat(hub.admin("POST", "/hub/api/users/erin", null).statusCode()).isEqualTo(201);

        assertThat(hub.whoamiStatus(cookie(session))).isEqualTo(403);
    }
}
