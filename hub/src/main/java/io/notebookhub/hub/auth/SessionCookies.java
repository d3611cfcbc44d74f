package io.notebookhub.hub.auth;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hub's session cookie and the XSRF tokens tied to it. The cookie holds only a random token naming a
 * server-side session ({@link Sessions}); it is scoped to {@code /hub/}, as JupyterHub scopes its own, so browsers
 * never send it to a user's notebook server under {@code /user/}. The XSRF token is an HMAC of the session id.
 */
public final class SessionCookies {
    public static final String COOKIE = "nbhub-session";
    /** Where the hub's own cookies live; notebook servers are under {@code /user/}, outside it. */
    public static final String PATH = "/hub/";

    private final SecretKeySpec macKey;
    private final Duration maxAge;

    public SessionCookies(byte[] secret, Duration maxAge) {
        this.macKey = new SecretKeySpec(derive(secret, "xsrf"), "HmacSHA256");
        this.maxAge = maxAge;
    }

    public Duration maxAge() {
        return maxAge;
    }

    private static byte[] derive(byte[] secret, String purpose) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(secret);
            d.update(purpose.getBytes(StandardCharsets.UTF_8));
            return d.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cookie that carries a session's token. */
    public Cookie cookie(String value, boolean secure) {
        return Cookie.cookie(COOKIE, value).setPath(PATH).setHttpOnly(true).setSecure(secure)
                .setSameSite(CookieSameSite.LAX).setMaxAge(maxAge.toSeconds());
    }

    /**
     * Cookies that remove the session cookie: the {@code /hub/} one, and one at {@code /} left by hubs that scoped
     * it there (it would otherwise keep reaching notebook servers until it expired).
     */
    public static List<Cookie> clearing() {
        return List.of(
                Cookie.cookie(COOKIE, "").setPath(PATH).setMaxAge(0).setHttpOnly(true).setSameSite(CookieSameSite.LAX),
                Cookie.cookie(COOKIE, "").setPath("/").setMaxAge(0).setHttpOnly(true).setSameSite(CookieSameSite.LAX));
    }

    public String xsrfToken(String sessionId) {
        return mac("session:" + sessionId);
    }

    public boolean xsrfValid(String sessionId, String presented) {
        return presented != null && TokenHashing.constantTimeEquals(xsrfToken(sessionId), presented);
    }

    /** An HMAC under the hub's XSRF key, for tokens that must not be forged without the cookie secret. */
    public String mac(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(macKey);
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
