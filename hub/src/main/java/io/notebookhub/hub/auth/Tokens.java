package io.notebookhub.hub.auth;

import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.TokenRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** Issues and revokes API tokens; the token text is returned once and only its hash is kept. */
public final class Tokens {
    private final HubStore store;
    private final Identities identities;
    private final Clock clock;

    public record Issued(String token, TokenRecord record) {}

    public Tokens(HubStore store, Identities identities, Clock clock) {
        this.store = store;
        this.identities = identities;
        this.clock = clock;
    }

    public Issued issue(String user, String kind, String serverName, String clientId, Set<String> scopes, String note,
                        Duration expiresIn) {
        String token = TokenHashing.newToken();
        var now = clock.instant();
        TokenRecord record = store.createToken(TokenHashing.hash(token), user, kind, serverName, clientId, scopes, note,
                now, expiresIn == null ? null : now.plus(expiresIn));
        return new Issued(token, record);
    }

    /** What the user holds through their roles; a token asked for them must stay within it. */
    public ScopeSet ownerScopes(io.notebookhub.hub.store.UserRecord owner) {
        return identities.heldBy(owner);
    }

    public boolean revoke(long id) {
        boolean deleted = store.deleteToken(id);
        identities.forgetTokens(t -> t.id() == id);
        return deleted;
    }

    public void revokeServerTokens(String user, String serverName) {
        String clientId = io.notebookhub.hub.paths.UrlPaths.clientId(user, serverName);
        store.deleteServerTokens(user, serverName, clientId);
        identities.forgetTokens(t -> ("server".equals(t.kind()) && t.user().equals(user)
                && serverName.equals(t.serverName())) || ("oauth".equals(t.kind()) && clientId.equals(t.clientId())));
    }
}
