package io.notebookhub.culler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.culler.ServerFacts;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hub's user models as different JupyterHub versions and set-ups write them. */
class HubJsonTest {
    private static final URI PROXY = URI.create("http://127.0.0.1:8000/");

    private static List<ServerFacts> servers(String userJson) {
        return HubJson.readyServers(HubJson.parse(userJson), PROXY, "tok");
    }

    @Test
    void aBareListFromAHubBefore2IsOnePage() {
        HubJson.Page page = HubJson.page("[{\"name\": \"a\"}, {\"name\": \"b\"}]");

        assertThat(page.items()).hasSize(2);
        assertThat(page.nextUrl()).isNull();
    }

    @Test
    void theEnvelopeGivesItsNextLink() {
        HubJson.Page page = HubJson.page("{\"items\": [{\"name\": \"a\"}], \"_pagination\": {\"offset\": 0, \"limit\": 1,"
                + " \"total\": 2, \"next\": {\"offset\": 1, \"limit\": 1, \"url\": \"http://hub/hub/api/users?offset=1&limit=1\"}}}");

        assertThat(page.items()).hasSize(1);
        assertThat(page.nextUrl()).isEqualTo("http://hub/hub/api/users?offset=1&limit=1");
    }

    @Test
    void timestampsWithoutZoneAreUtcAsOldJupyterHubMeantThem() {
        List<ServerFacts> s = servers("{\"name\": \"a\", \"servers\": {\"\": {\"name\": \"\", \"ready\": true, \"url\": \"/user/a/\","
                + " \"started\": \"2026-01-01T10:00:00.123456\", \"last_activity\": \"2026-01-01T11:00:00+01:00\"}}}");

        assertThat(s).singleElement().satisfies(f -> {
            assertThat(f.started()).isEqualTo(Instant.parse("2026-01-01T10:00:00.123456Z"));
            assertThat(f.reportedLastActivity()).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
            assertThat(f.profile()).isNull();
        });
    }

    @Test
    void aFullServerUrlIsKeptAndAnUnquotedPathIsQuoted() {
        List<ServerFacts> s = servers("{\"name\": \"ann lee\", \"servers\": {"
                + "\"\": {\"name\": \"\", \"ready\": true, \"url\": \"/user/ann lee/\", \"started\": \"2026-01-01T10:00:00Z\"},"
                + "\"x\": {\"name\": \"x\", \"ready\": true, \"url\": \"https://ann.hub.example.org/user/ann%20lee/x/\","
                + " \"started\": \"2026-01-01T10:00:00Z\"}}}");

        assertThat(s).extracting(ServerFacts::stateUrl).containsExactly(
                URI.create("http://127.0.0.1:8000/user/ann%20lee/"),
                URI.create("https://ann.hub.example.org/user/ann%20lee/x/"));
    }

    @Test
    void pendingAndNotReadyServersAreLeftOut() {
        List<ServerFacts> s = servers("{\"name\": \"a\", \"servers\": {"
                + "\"\": {\"name\": \"\", \"ready\": false, \"pending\": \"spawn\", \"started\": \"2026-01-01T10:00:00Z\"},"
                + "\"x\": {\"name\": \"x\", \"ready\": true, \"pending\": \"stop\", \"started\": \"2026-01-01T10:00:00Z\"},"
                + "\"y\": {\"name\": \"y\", \"ready\": true, \"pending\": null, \"started\": \"2026-01-01T10:00:00Z\"}}}");

        assertThat(s).extracting(ServerFacts::serverName).containsExactly("y");
    }

    @Test
    void aServerWithNoStartTimeFallsBackToItsActivityOrIsSkipped() {
        List<ServerFacts> s = servers("{\"name\": \"a\", \"servers\": {"
                + "\"\": {\"name\": \"\", \"ready\": true, \"last_activity\": \"2026-01-01T10:00:00Z\"},"
                + "\"x\": {\"name\": \"x\", \"ready\": true}}}");

        assertThat(s).singleElement().satisfies(f -> assertThat(f.started()).isEqualTo(Instant.parse("2026-01-01T10:00:00Z")));
    }

    @Test
    void theHubsErrorMessageIsExtracted() {
        assertThat(HubJson.errorMessage("{\"status\": 403, \"message\": \"Action is not authorized\"}"))
                .isEqualTo("Action is not authorized");
        assertThat(HubJson.errorMessage("<html>Bad Gateway</html>")).isEqualTo("<html>Bad Gateway</html>");
        assertThat(HubJson.errorMessage(null)).isEmpty();
    }
}
