package io.notebookhub.proxy;

import static io.notebookhub.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A user's server runs that user's code and can log every header it receives: the hub's own cookies and the hub's
 * admin token are cut from requests to any route but the hub's default one, which still receives them.
 */
class PrivateCredentialsTest {
    private Vertx vertx;
    private ProxyFixture f;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        TestBackend hub = TestBackend.start(vertx, "hub");
        TestBackend mallory = TestBackend.start(vertx, "mallory");
        f = new ProxyFixture(vertx, ProxyFixture.defaults().defaultTarget(hub.url()).privateCookie("nbhub-session")
                .privateCookie("nbhub-login-xsrf").privateToken("the-admin-token"));
        f.route("/user/mallory", mallory.url());
    }

    @AfterEach
    void stop() {
        f.close();
        await(vertx.close());
    }

    private JsonObject headersSeen(String path, String cookie, String authorization) throws Exception {
        String resp = f.raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie + "\r\n"
                + "Authorization: " + authorization + "\r\nConnection: close\r\n\r\n");
        return new JsonObject(resp.substring(resp.indexOf("\r\n\r\n") + 4)).getJsonObject("headers");
    }

    @Test
    void aUsersServerNeverSeesTheHubsCookiesOrAdminToken() throws Exception {
        JsonObject seen = headersSeen("/user/mallory/tree", "a=1; nbhub-session=s3cret; _xsrf=x; nbhub-login-xsrf=y",
                "token the-admin-token");
        assertThat(seen.getString("cookie")).isEqualTo("a=1; _xsrf=x");
        assertThat(seen.containsKey("authorization")).isFalse();
    }

    @Test
    void aCookieHeaderOfOnlyHubCookiesIsDroppedWhole() throws Exception {
        JsonObject seen = headersSeen("/user/mallory/", "nbhub-session=s3cret", "token users-own-token");
        assertThat(seen.containsKey("cookie")).isFalse();
        assertThat(seen.getString("authorization")).isEqualTo("token users-own-token");
    }

    @Test
    void theHubStillReceivesItsOwnCookies() throws Exception {
        JsonObject seen = headersSeen("/hub/home", "nbhub-session=s3cret; a=1", "token the-admin-token");
        assertThat(seen.getString("cookie")).contains("nbhub-session=s3cret");
        assertThat(seen.getString("authorization")).isEqualTo("token the-admin-token");
    }
}
