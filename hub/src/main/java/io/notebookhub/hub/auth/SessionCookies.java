package io.notebookhub.hub.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hub's session cookie: AES-GCM encrypted and authenticated JSON {user, session id, expiry}, so it can be
 * neither read nor forged without the cookie secret. The XSRF token is an HMAC of the session id.
 */
public final class SessionCookies {
    public static final String COOKIE = "nbhub-session";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec encryptionKey;
    private final SecretKeySpec macKey;
    private final Duration maxAge;

    public record Session(String user, String sessionId, Instant expires) {}

    public SessionCookies(byte[] secret, Duration maxAge) {
        this.encryptionKey = new SecretKeySpec(derive(secret, "session-encryption"), "AES");
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

    public Session newSession(String user, Instant now) {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return new Session(user, HexFormat.of().formatHex(id), now.plus(maxAge));
    }

    public String encode(Session session) {
        try {
            byte[] plain = JSON.writeValueAsBytes(Map.of("u", session.user(), "s", session.sessionId(),
                    "e", session.expires().getEpochSecond()));
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(plain);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (Exception e) {
            throw new IllegalStateException("cannot seal session cookie", e);
        }
    }

    /** The session in a cookie value, or empty when it is forged, damaged or expired. */
    public Optional<Session> decode(String value, Instant now) {
        try {
            byte[] raw = Base64.getUrlDecoder().decode(value);
            if (raw.length < 12 + 16) {
                return Optional.empty();
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(128, raw, 0, 12));
            JsonNode node = JSON.readTree(cipher.doFinal(raw, 12, raw.length - 12));
            Session s = new Session(node.get("u").asText(), node.get("s").asText(),
                    Instant.ofEpochSecond(node.get("e").asLong()));
            return now.isBefore(s.expires()) ? Optional.of(s) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    public String xsrfToken(String sessionId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(macKey);
            return HexFormat.of().formatHex(mac.doFinal(sessionId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean xsrfValid(String sessionId, String presented) {
        return presented != null && TokenHashing.constantTimeEquals(xsrfToken(sessionId), presented);
    }
}
