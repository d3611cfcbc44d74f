package io.notebookhub.hub.store;

import java.time.Instant;
import java.util.List;

/** A share code as stored (the code itself is never kept, only its hash). */
public record ShareCodeRecord(long id, String owner, String serverName, List<String> scopes, Instant created,
                              Instant expiresAt, int exchangeCount, Instant lastExchangedAt) {

    public boolean expired(Instant now) {
        return !expiresAt.isAfter(now);
    }
}
