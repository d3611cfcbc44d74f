package io.notebookhub.system.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Numbers no clock can hold, fractions and strings where a count is expected: a 400 naming the field, never a 500. */
@SecurityHubTest
class OversizedNumbersIT {

    @Test
    void aTokenExpiryBeyondAnyClockIsA400NamingTheField(SecurityHub hub) throws Exception {
        for (String value : List.of("1e30", "9223372036854775807", "99999999999999999999999", "1.5", "0", "-1",
                "\"3600\"")) {
            HttpResponse<String> r = hub.admin("POST", "/hub/api/users/alice/tokens", "{\"expires_in\": " + value
                    + "}");
            assertThat(r.statusCode()).as(value + ": " + r.body()).isEqualTo(400);
            assertThat(SecurityHub.JSON.readTree(r.body()).path("message").asText()).as(value).contains("expires_in");
        }
        assertThat(hub.admin("POST", "/hub/api/users/alice/tokens", "{\"expires_in\": 3600}").statusCode())
                .isEqualTo(201);
    }

    @Test
    void pagingBeyondTheLargestIntegerIsA400NamingTheParameter(SecurityHub hub) throws Exception {
        for (String query : List.of("offset=99999999999999", "limit=99999999999999", "offset=-1")) {
            for (String path : List.of("/hub/api/users?", "/hub/api/groups?", "/hub/api/proxy?")) {
                HttpResponse<String> r = hub.admin("GET", path + query, null);
                assertThat(r.statusCode()).as(path + query).isEqualTo(400);
                assertThat(r.body()).as(path + query).contains(query.substring(0, query.indexOf('=')));
            }
        }
        assertThat(hub.admin("GET", "/hub/api/groups?offset=2147483647&limit=200", null).statusCode()).isEqualTo(200);
    }
}
