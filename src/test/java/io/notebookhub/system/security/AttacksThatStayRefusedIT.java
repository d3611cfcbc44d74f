package io.notebookhub.system.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.Browser;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The attacks the hub already refused before the holes above were closed, kept refused: path tricks towards another
 * user's server, request smuggling, forged, expired and filtered tokens, OAuth code replay and redirect mismatch,
 * open redirect through {@code next}, a cookie-authenticated API call without XSRF, oversized input.
 */
@SecurityHubTest
class AttacksThatStayRefusedIT {

    private static String raw(SecurityHub hub, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", hub.proxyPort)) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException e) {
            return "";
        }
    }

    @Test
    void pathTricksNeverReachAnotherUsersServer(SecurityHub hub) throws Exception {
        String bobsToken = hub.tokenOf("bob");
        for (String path : List.of("/user/bob/../alice/api/status", "/user/bob/%2e%2e/alice/api/status",
                "/user/bob%2F..%2Falice/api/status", "//user/bob/..//alice/api/status")) {
            String resp = raw(hub, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: token " + bobsToken
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(resp).as(path).doesNotStartWith("HTTP/1.1 200");
        }
        assertThat(hub.call("GET", "/user/alice/api/status", null, bobsToken).statusCode()).isEqualTo(403);
    }

    @Test
    void aSmuggledRequestIsRefused(SecurityHub hub) throws Exception {
        String resp = raw(hub, "POST /hub/api/users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hub/api/users HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(resp).startsWith("HTTP/1.1 400");
    }

    @Test
    void forgedExpiredAndFilteredTokensAreRefused(SecurityHub hub) throws Exception {
        assertThat(hub.whoamiStatus(Map.of("Authorization", "token " + "f".repeat(64)))).isEqualTo(403);
        var expiring = hub.admin("POST", "/hub/api/users/bob/tokens", "{\"expires_in\": 1}");
        String expired = SecurityHub.JSON.readTree(expiring.body()).get("token").asText();
        Thread.sleep(1500);
        assertThat(hub.whoamiStatus(Map.of("Authorization", "token " + expired))).isEqualTo(403);

        var scoped = hub.admin("POST", "/hub/api/users/bob/tokens", "{\"scopes\": [\"read:users!user=bob\"]}");
        String bobOnly = SecurityHub.JSON.readTree(scoped.body()).get("token").asText();
        assertThat(hub.call("GET", "/hub/api/users/bob", null, bobOnly).statusCode()).isEqualTo(200);
        assertThat(hub.call("GET", "/hub/api/users/alice", null, bobOnly).statusCode()).isEqualTo(404);
        assertThat(hub.call("POST", "/hub/api/users/bob/tokens", "{}", bobOnly).statusCode()).isEqualTo(403);
        var escalate = hub.call("POST", "/hub/api/users/bob/tokens", "{\"scopes\": [\"admin:users\"]}",
                hub.tokenOf("bob"));
        assertThat(escalate.statusCode()).isEqualTo(403);
    }

    @Test
    void anOAuthCodeWorksOnceAndOnlyForItsRedirect(SecurityHub hub) throws Exception {
        Browser alice = hub.browser("alice");
        String code = SessionReplayAfterLogoutIT.authorizationCode(hub, alice);
        assertThat(SessionReplayAfterLogoutIT.exchange(hub, code, null).statusCode()).isEqualTo(200);
        assertThat(SessionReplayAfterLogoutIT.exchange(hub, code, null).statusCode()).as("replayed").isEqualTo(400);

        String other = SessionReplayAfterLogoutIT.authorizationCode(hub, alice);
        assertThat(SessionReplayAfterLogoutIT.exchange(hub, other, "http://evil.example/callback").statusCode())
                .isEqualTo(400);
        assertThat(hub.browser("bob").get("/hub/api/oauth2/authorize?client_id=jupyterhub-user-alice"
                + "&response_type=code").statusCode()).as("bob may not enter alice's server").isEqualTo(403);
    }

    @Test
    void nextNeverLeadsOffTheHub(SecurityHub hub) throws Exception {
        for (String next : List.of("//evil.example/", "https://evil.example/", "/\\evil.example", "http:evil")) {
            Browser b = new Browser(hub.baseUrl());
            HttpResponse<String> r = b.postForm("/hub/login", "_xsrf=" + b.pageXsrf("/hub/login")
                    + "&username=alice&password=pw&next=" + java.net.URLEncoder.encode(next, StandardCharsets.UTF_8));
            assertThat(r.uri().getHost()).as(next).isEqualTo("127.0.0.1");
            assertThat(r.uri().getPath()).as(next).isEqualTo("/hub/home");
        }
    }

    @Test
    void aCookieAuthenticatedApiCallWithoutTheXsrfTokenIsRefused(SecurityHub hub) throws Exception {
        Browser alice = hub.browser("alice");
        HttpResponse<String> r = alice.client.send(HttpRequest.newBuilder(URI.create(hub.baseUrl()
                        + "/hub/api/users/alice/tokens")).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("_xsrf");
    }

    @Test
    void oversizedInputIsRefusedWithoutHarm(SecurityHub hub) throws Exception {
        String longHeader = raw(hub, "GET /hub/api/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(100_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(longHeader).matches("(?s)HTTP/1\\.[01] 431 .*");
        String longUrl = raw(hub, "GET /hub/api/" + "a".repeat(40_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(longUrl).matches("(?s)HTTP/1\\.[01] 414 .*");
        HttpResponse<String> big = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.baseUrl()
                        + "/hub/api/users")).header("Authorization", "token " + SecurityHub.ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"usernames\": [\"" + "x".repeat(2_000_000) + "\"]}"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isIn(400, 413);
        assertThat(hub.call("GET", "/hub/health", null, null).statusCode()).isEqualTo(200);
    }
}
