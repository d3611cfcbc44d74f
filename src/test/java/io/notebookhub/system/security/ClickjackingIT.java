package io.notebookhub.system.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.Browser;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Another site frames the admin page and tricks an admin into clicking "Delete user". Every hub page and API answer
 * forbids framing by other origins, and also says nosniff and a Referrer-Policy.
 */
@SecurityHubTest
class ClickjackingIT {

    @Test
    void everyHubPageForbidsFramingBySomeoneElse(SecurityHub hub) throws Exception {
        Browser admin = hub.browser("admin");
        for (String path : List.of("/hub/admin", "/hub/home", "/hub/login", "/hub/logout", "/hub/token",
                "/hub/no-such-page", "/hub/api/", "/hub/api/users")) {
            HttpResponse<String> r = admin.get(path);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path)
                    .hasValueSatisfying(v -> assertThat(v).contains("frame-ancestors 'self'"));
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(path).isPresent();
        }
    }
}
