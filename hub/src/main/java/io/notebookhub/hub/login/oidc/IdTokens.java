package io.notebookhub.hub.login.oidc;

import io.notebookhub.hub.auth.TokenHashing;
import io.notebookhub.hub.login.oidc.OidcAuthenticator.LoginFailure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import java.time.Clock;

/**
 * The ID token of a sign-in: Vert.x checks its signature, issuer and audience; this adds a second look after the
 * provider rotated its keys, and what Vert.x leaves out (nonce, expiry, issue time, authorised party).
 */
final class IdTokens {
    private final String provider;
    private final String clientId;
    private final ProviderClient client;
    private final Clock clock;

    IdTokens(String provider, String clientId, ProviderClient client, Clock clock) {
        this.provider = provider;
        this.clientId = clientId;
        this.client = client;
        this.clock = clock;
    }

    /**
     * The ID token's claims once its signature, issuer and audience check out. Vert.x leaves the ID token out when they
     * do not, and names the key id when the provider's keys (as last fetched) lack it: then the keys are fetched once
     * more (providers rotate them) and the same token is checked against them.
     */
    Future<JsonObject> claims(OAuth2Auth auth, User user) {
        String raw = user.principal().getString("id_token");
        if (raw == null) {
            return Future.failedFuture(new LoginFailure(403, provider + " returned no ID token (is the openid scope "
                    + "allowed for this client?)"));
        }
        JsonObject idToken = user.attributes().getJsonObject("idToken");
        if (idToken != null) {
            return Future.succeededFuture(idToken);
        }
        if (user.attributes().getString("missing-kid") == null) {
            return Future.failedFuture(notVerified());
        }
        // As a bearer token, Vert.x checks the signature, issuer and audience (this client) with the keys it holds.
        // Keys fetched for an earlier login are tried first; only a key id they lack starts a fetch.
        return verify(client.keyVerifier(), raw).recover(e -> e instanceof NoSuchKeyIdException
                        ? client.refreshKeys(auth).compose(v -> verify(client.keyVerifier(), raw)) : Future.failedFuture(e))
                .recover(e -> Future.failedFuture(e instanceof NoSuchKeyIdException
                        // Still unknown after the fetch: a key the provider does not publish.
                        ? new LoginFailure(403, "The ID token is signed with a key " + provider + " does not publish "
                                + "(yet); try again in a moment.")
                        : e instanceof LoginFailure ? e : notVerified()));
    }

    /** The token's claims when the verifier's keys verify it; fails with NoSuchKeyIdException on a key id they lack. */
    private static Future<JsonObject> verify(OAuth2Auth verifier, String raw) {
        return verifier.authenticate(new TokenCredentials(raw)).compose(user -> {
            JsonObject claims = user.attributes().getJsonObject("accessToken");
            return claims != null && raw.equals(user.principal().getString("access_token"))
                    ? Future.succeededFuture(claims) : Future.failedFuture(notVerified());
        });
    }

    private static LoginFailure notVerified() {
        return new LoginFailure(403, "The ID token could not be verified: its signature, audience or issuer is wrong.");
    }

    /** What Vert.x does not check: nonce, expiry and issue time (with leeway), the authorised party. */
    void check(JsonObject idToken, String nonce) {
        Object azp = idToken.getValue("azp");
        if (azp != null && !clientId.equals(azp)) {
            throw new LoginFailure(403, "The ID token was issued to another client (azp).");
        }
        if (!TokenHashing.constantTimeEquals(nonce, String.valueOf(idToken.getValue("nonce")))) {
            throw new LoginFailure(403, "The ID token does not carry the nonce this sign-in started with.");
        }
        long now = clock.instant().getEpochSecond();
        Long exp = number(idToken, "exp");
        if (exp == null || now > exp + ProviderClient.LEEWAY_SECONDS) {
            throw new LoginFailure(403, "The ID token has expired (check the clocks of the hub and the "
                    + "provider).");
        }
        Long iat = number(idToken, "iat");
        if (iat != null && iat > now + ProviderClient.LEEWAY_SECONDS) {
            throw new LoginFailure(403, "The ID token was issued in the future (check the clocks of the hub "
                    + "and the provider).");
        }
    }

    private static Long number(JsonObject o, String key) {
        Object v = o.getValue(key);
        return v instanceof Number n ? n.longValue() : null;
    }
}
