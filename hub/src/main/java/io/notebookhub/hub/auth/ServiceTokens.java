package io.notebookhub.hub.auth;

import java.util.Optional;

/** The API tokens of the hub's services, held in memory: a look-up by the token's hash that never blocks. */
public interface ServiceTokens {
    ServiceTokens NONE = hash -> Optional.empty();

    /** The service whose token has this SHA-256, as a principal of kind {@code service}. */
    Optional<Principal> principal(String tokenHash);
}
