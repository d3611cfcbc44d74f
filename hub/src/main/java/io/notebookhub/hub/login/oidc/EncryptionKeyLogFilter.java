package io.notebookhub.hub.login.oidc;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Set;
import org.slf4j.Marker;

/**
 * Keeps the provider's encryption keys out of the log. Providers publish keys for encrypting tokens beside their
 * signing keys (Keycloak's default realm has an {@code RSA-OAEP} key with {@code use: enc}); Vert.x cannot load those
 * and logs each with a long stack trace at every key fetch. A login only needs signing keys, so such warnings are
 * dropped; a signing key that cannot be loaded is still logged. Installed by {@code HubLogConfigurator}.
 */
public final class EncryptionKeyLogFilter extends TurboFilter {
    /** JWE key-management algorithms (RFC 7518 section 4): only ever on keys meant for encryption. */
    private static final Set<String> ENCRYPTION_ALGORITHMS = Set.of("RSA-OAEP", "RSA-OAEP-256", "RSA-OAEP-384",
            "RSA-OAEP-512", "RSA1_5", "ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW", "A128KW",
            "A192KW", "A256KW", "dir", "A128GCMKW", "A192GCMKW", "A256GCMKW", "PBES2-HS256+A128KW");

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        if (t != null && "Unsupported JWK".equals(format) && logger.getName().endsWith("OAuth2AuthProviderImpl")
                && isEncryptionAlgorithm(t.getMessage())) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }

    static boolean isEncryptionAlgorithm(String message) {
        if (message == null) {
            return false;
        }
        String alg = message.substring(message.lastIndexOf(':') + 1).trim();
        return ENCRYPTION_ALGORITHMS.contains(alg);
    }
}
