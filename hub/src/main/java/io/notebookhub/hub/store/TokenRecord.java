package io.notebookhub.hub.store;

import java.time.Instant;
import java.util.Set;

/**
 * An API token as stored; the token itself is never stored, only its SHA-256.
 *
 * @param kind {@code api} (made by a user or admin), {@code server} (a server's own token),
 *             {@code oauth} (issued to a browser through a server's OAuth client)
 */
public record TokenRecord(long id, String user, String kind, String serverName, String clientId, Set<String> scopes,
                          String note, Instant created, Instant expiresAt, Instant lastActivity) {

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
