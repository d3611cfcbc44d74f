package io.notebookhub.hub.login.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.impl.jose.JWK;
import org.junit.jupiter.api.Test;

class EncryptionKeyLogFilterTest {
    private final EncryptionKeyLogFilter filter = new EncryptionKeyLogFilter();
    private final Logger vertxOAuth = new LoggerContext().getLogger(
            "io.vertx.ext.auth.oauth2.impl.OAuth2AuthProviderImpl");

    /** What Vert.x throws when it loads the key, as it does at every key fetch. */
    private static RuntimeException loading(JsonObject key) {
        try {
            new JWK(key);
            throw new AssertionError("Vert.x loaded " + key);
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Test
    void keycloaksEncryptionKeyIsDroppedQuietly() {
        // The shape of the RSA-OAEP key in Keycloak's default realm (use: enc); the modulus does not matter here.
        RuntimeException e = loading(new JsonObject().put("kid", "enc-1").put("kty", "RSA").put("alg", "RSA-OAEP")
                .put("use", "enc").put("n", "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1Wl").put("e", "AQAB"));
        assertThat(filter.decide(null, vertxOAuth, Level.WARN, "Unsupported JWK", null, e)).isEqualTo(FilterReply.DENY);
    }

    @Test
    void otherWarningsStillReachTheLog() {
        RuntimeException unknownSigning = new RuntimeException("Unknown algorithm: XS999");
        assertThat(filter.decide(null, vertxOAuth, Level.WARN, "Unsupported JWK", null, unknownSigning))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(null, new LoggerContext().getLogger("io.notebookhub.hub.HubApp"), Level.WARN,
                "Unsupported JWK", null, new RuntimeException("Unknown algorithm: RSA-OAEP")))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(null, vertxOAuth, Level.WARN, "something else", null, null))
                .isEqualTo(FilterReply.NEUTRAL);
    }
}
