package io.notebookhub.hub.login.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SealerTest {
    private final byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealedDataOpensOnlyWithTheSameSecretAndPurpose() {
        Sealer sealer = new Sealer(secret, "auth-state");
        byte[] sealed = sealer.sealJson(new JsonObject().put("access_token", "tok"));
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("tok");
        assertThat(sealer.openJson(sealed)).hasValueSatisfying(j -> assertThat(j.getString("access_token"))
                .isEqualTo("tok"));
        assertThat(new Sealer(secret, "oauth-state").openJson(sealed)).isEmpty();
        assertThat(new Sealer("another secret, also 32 bytes...".getBytes(StandardCharsets.UTF_8), "auth-state")
                .openJson(sealed)).isEmpty();
    }

    @Test
    void alteredOrTruncatedDataDoesNotOpen() {
        Sealer sealer = new Sealer(secret, "oauth-state");
        String text = sealer.sealToText(new JsonObject().put("s", "state"));
        char last = text.charAt(text.length() - 2);
        String altered = text.substring(0, text.length() - 2) + (last == 'A' ? 'B' : 'A') + text.charAt(text.length() - 1);
        assertThat(sealer.openText(altered)).isEmpty();
        assertThat(sealer.openText(text.substring(0, 10))).isEmpty();
        assertThat(sealer.openText("not base64 !")).isEmpty();
        assertThat(sealer.openText(text)).isPresent();
    }
}
