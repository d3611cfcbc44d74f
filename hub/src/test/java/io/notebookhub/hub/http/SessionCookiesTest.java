package io.notebookhub.hub.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.auth.SessionCookies;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SessionCookiesTest {
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final SessionCookies cookies = new SessionCookies(new byte[32], Duration.ofHours(1));

    @Test
    void aSessionRoundTripsAndHidesTheUserName() {
        SessionCookies.Session s = cookies.newSession("alice", now);
        String value = cookies.encode(s);
        assertThat(value).doesNotContain("alice");
        assertThat(cookies.decode(value, now)).contains(s);
    }

    @Test
    void aTamperedCookieIsRejected() {
        byte[] raw = Base64.getUrlDecoder().decode(cookies.encode(cookies.newSession("alice", now)));
        raw[raw.length - 5] ^= 1;
        assertThat(cookies.decode(Base64.getUrlEncoder().withoutPadding().encodeToString(raw), now)).isEmpty();
        assertThat(cookies.decode("garbage", now)).isEmpty();
    }

    @Test
    void aCookieSealedWithAnotherSecretIsRejected() {
        SessionCookies other = new SessionCookies(new byte[] {1, 2, 3}, Duration.ofHours(1));
        assertThat(cookies.decode(other.encode(other.newSession("alice", now)), now)).isEmpty();
    }

    @Test
    void anExpiredSessionIsRejected() {
        String value = cookies.encode(cookies.newSession("alice", now));
        assertThat(cookies.decode(value, now.plus(Duration.ofHours(2)))).isEmpty();
    }

    @Test
    void theXsrfTokenBelongsToOneSession() {
        SessionCookies.Session a = cookies.newSession("alice", now);
        SessionCookies.Session b = cookies.newSession("alice", now);
        assertThat(cookies.xsrfValid(a.sessionId(), cookies.xsrfToken(a.sessionId()))).isTrue();
        assertThat(cookies.xsrfValid(b.sessionId(), cookies.xsrfToken(a.sessionId()))).isFalse();
        assertThat(cookies.xsrfValid(a.sessionId(), null)).isFalse();
    }
}
