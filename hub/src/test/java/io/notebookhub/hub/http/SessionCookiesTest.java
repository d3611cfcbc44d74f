package io.notebookhub.hub.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.auth.SessionCookies;
import io.vertx.core.http.Cookie;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionCookiesTest {
    private final SessionCookies cookies = new SessionCookies(new byte[32], Duration.ofHours(1));

    @Test
    void theSessionCookieIsScopedToTheHubSoNotebookServersNeverReceiveIt() {
        Cookie c = cookies.cookie("v", false);
        assertThat(c.getPath()).isEqualTo("/hub/");
        assertThat(c.isHttpOnly()).isTrue();
        assertThat(c.encode()).contains("SameSite=Lax").contains("Max-Age=3600");
    }

    @Test
    void clearingRemovesTheCookieAtTheHubPathAndTheOldRootPath() {
        assertThat(SessionCookies.clearing()).extracting(Cookie::getPath).containsExactlyInAnyOrder("/hub/", "/");
        assertThat(SessionCookies.clearing()).allSatisfy(c -> assertThat(c.getMaxAge()).isZero());
    }

    @Test
    void theXsrfTokenBelongsToOneSession() {
        assertThat(cookies.xsrfValid("a", cookies.xsrfToken("a"))).isTrue();
        assertThat(cookies.xsrfValid("b", cookies.xsrfToken("a"))).isFalse();
        assertThat(cookies.xsrfValid("a", null)).isFalse();
    }

    @Test
    void anotherSecretMakesOtherXsrfTokens() {
        SessionCookies other = new SessionCookies(new byte[] {1, 2, 3}, Duration.ofHours(1));
        assertThat(cookies.xsrfValid("a", other.xsrfToken("a"))).isFalse();
    }
}
