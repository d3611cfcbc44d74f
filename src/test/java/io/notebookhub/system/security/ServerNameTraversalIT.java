package io.notebookhub.system.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.Browser;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Server names that could escape a path ({@code a/b}, {@code ..}, {@code x\y}) sent through the spawn form, which
 * used to accept what the REST API refused. One rule now guards every way to start a server.
 */
@SecurityHubTest
class ServerNameTraversalIT {
    private static final List<String> BAD = List.of("a%2Fb", "x%5Cy", "with%20space", "a%3Fb");

    @Test
    void theSpawnFormRefusesServerNamesTheRestApiRefuses(SecurityHub hub) throws Exception {
        Browser bob = hub.browser("bob");
        String xsrf = bob.pageXsrf("/hub/logout");
        for (String name : BAD) {
            HttpResponse<String> form = bob.postForm("/hub/spawn/bob/" + name, "_xsrf=" + xsrf);
            assertThat(form.statusCode()).as(name).isEqualTo(400);
            assertThat(form.body()).as(name).contains("Invalid server name");
            HttpResponse<String> api = hub.admin("POST", "/hub/api/users/bob/servers/" + name, "{}");
            assertThat(api.statusCode()).as(name).isEqualTo(400);
        }
        // Dot segments never reach the hub: the proxy refuses such a path itself.
        for (String dots : List.of("%2E%2E", "%2E")) {
            assertThat(bob.postForm("/hub/spawn/bob/" + dots, "_xsrf=" + xsrf).statusCode()).as(dots).isEqualTo(400);
        }
        assertThat(hub.adminJson("/hub/api/users/bob?include_stopped_servers").path("servers").fieldNames())
                .toIterable().containsOnly("");
    }
}
