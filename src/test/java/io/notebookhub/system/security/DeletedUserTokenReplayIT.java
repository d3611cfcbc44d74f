package io.notebookhub.system.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A token of a deleted user, replayed once a user of the same name exists again. The hub caches tokens it has seen;
 * deleting the user must drop every cached credential behind it, so the old token is refused at once, not when the
 * cache expires.
 */
@SecurityHubTest
class DeletedUserTokenReplayIT {

    @Test
    void theOldTokenIsRefusedAtOnceAfterTheUserIsDeletedAndCreatedAgain(SecurityHub hub) throws Exception {
        hub.admin("POST", "/hub/api/users/frank", null);
        String token = hub.tokenOf("frank");
        Map<String, String> auth = Map.of("Authorization", "token " + token);
        assertThat(hub.whoamiStatus(auth)).isEqualTo(200);
        assertThat(hub.whoamiStatus(auth)).as("now cached").isEqualTo(200);

        assertThat(hub.admin("DELETE", "/hub/api/users/frank", null).statusCode()).isEqualTo(204);
        assertThat(hub.admin("POST", "/hub/api/users/frank", null).statusCode()).isEqualTo(201);

        assertThat(hub.whoamiStatus(auth)).isEqualTo(403);
        assertThat(hub.call("GET", "/hub/api/users/frank", null, token).statusCode()).isEqualTo(403);
    }

    @Test
    void aRevokedTokenIsRefusedAtOnceThoughItWasCached(SecurityHub hub) throws Exception {
        hub.admin("POST", "/hub/api/users/grace", null);
        var created = hub.admin("POST", "/hub/api/users/grace/tokens", "{\"note\": \"revoke me\"}");
        var json = SecurityHub.JSON.readTree(created.body());
        Map<String, String> auth = Map.of("Authorization", "token " + json.get("token").asText());
        assertThat(hub.whoamiStatus(auth)).isEqualTo(200);

        assertThat(hub.admin("DELETE", "/hub/api/users/grace/tokens/" + json.get("id").asText(), null).statusCode())
                .isEqualTo(204);

        assertThat(hub.whoamiStatus(auth)).isEqualTo(403);
    }
}
