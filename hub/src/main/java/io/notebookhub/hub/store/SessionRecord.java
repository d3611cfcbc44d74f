package io.notebookhub.hub.store;

import java.time.Instant;

/**
 * A browser session as stored. The cookie holds a random token; {@code id} is its SHA-256, so the store never holds
 * a usable cookie.
 *
 * @param authState the identity provider's tokens of this login, sealed by the authenticator; null for none
 */
public record SessionRecord(String id, String user, Instant created, Instant expiresAt, String authState) {

    public boolean expired(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
