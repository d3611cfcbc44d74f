package io.notebookhub.hub.login.oidc;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a key derived from a secret and a purpose, so one secret can seal several kinds of data
 * without one kind ever opening as another. Output: 12-byte IV, then ciphertext and tag.
 */
final class Sealer {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    Sealer(byte[] secret, String purpose) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(secret);
            d.update(("notebook-hub/" + purpose).getBytes(StandardCharsets.UTF_8));
            this.key = new SecretKeySpec(d.digest(), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    byte[] seal(byte[] plain) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt", e);
        }
    }

    /** The plain bytes, or empty when the data was sealed with another key or altered. */
    Optional<byte[]> open(byte[] sealed) {
        if (sealed == null || sealed.length < 12 + 16) {
            return Optional.empty();
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, 12));
            return Optional.of(cipher.doFinal(sealed, 12, sealed.length - 12));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    byte[] sealJson(JsonObject json) {
        return seal(json.encode().getBytes(StandardCharsets.UTF_8));
    }

    Optional<JsonObject> openJson(byte[] sealed) {
        return open(sealed).flatMap(plain -> {
            try {
                return Optional.of(new JsonObject(Buffer.buffer(plain)));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    String sealToText(JsonObject json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sealJson(json));
    }

    Optional<JsonObject> openText(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return openJson(Base64.getUrlDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
