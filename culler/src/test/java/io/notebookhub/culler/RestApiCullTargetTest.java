package io.notebookhub.culler;

import static io.notebookhub.culler.FakeHub.server;
import static io.notebookhub.culler.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.notebookhub.culler.CullTarget.StopOutcome;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The standalone target against a fake JupyterHub speaking the real wire shapes. */
class RestApiCullTargetTest {
    private static final Instant T = Instant.parse("2026-11-21T06:00:00Z");

    private Vertx vertx;
    private FakeHub hub;
    private RestApiCullTarget target;

    @BeforeEach
    void startHub() throws Exception {
        vertx = Vertx.vertx();
        hub = new FakeHub(vertx);
        target = new RestApiCullTarget(vertx, hub.apiUrl(), FakeHub.TOKEN, URI.create("http://127.0.0.1:" + hub.port() + "/"),
                Duration.ofSeconds(30), 0);
    }

    @AfterEach
    void stopHub() throws Exception {
        target.close();
        hub.close();
        await(vertx.close());
    }

    private ServerFacts facts(String display) throws Exception {
        return await(target.readyServers()).stream().filter(f -> f.displayName().equals(display)).findFirst().orElseThrow();
    }

    @Test
    void listsReadyServersAcrossPagesWithTheirActivityFacts() throws Exception {
        hub.addUser("alice", false, T, server("alice", "", "gpu", T.minusSeconds(7200), T.minusSeconds(60), T.minusSeconds(3000)));
        hub.addUser("bob", true, T, server("bob", "", null, T.minusSeconds(100), T.minusSeconds(50), null),
                server("bob", "big", "cpu", T.minusSeconds(900), T.minusSeconds(10), T.minusSeconds(10)));
        hub.addUser("carol", false, T, server("carol", "", "cpu", T, T, T).put("ready", false).put("pending", "spawn"));
        hub.addUser("dave", false, T);
        hub.addUser("erin", false, T, server("erin", "", "cpu", T.minusSeconds(5), T.minusSeconds(5), T.minusSeconds(5)));

        List<ServerFacts> servers = await(target.readyServers());

        assertThat(servers).extracting(ServerFacts::displayName).containsExactly("alice", "bob", "bob/big", "erin");
        ServerFacts alice = servers.get(0);
        assertThat(alice.profile()).isEqualTo("gpu");
        assertThat(alice.admin()).isFalse();
        assertThat(alice.started()).isEqualTo(T.minusSeconds(7200));
        assertThat(alice.reportedLastActivity()).isEqualTo(T.minusSeconds(60));
        assertThat(alice.lastInteractiveActivity()).isEqualTo(T.minusSeconds(3000));
        assertThat(alice.routeLastActivity()).isNull();
        assertThat(alice.stateUrl()).isEqualTo(URI.create("http://127.0.0.1:" + hub.port() + "/user/alice/"));
        assertThat(alice.stateToken()).isEqualTo(FakeHub.TOKEN);
        assertThat(servers.get(1).admin()).isTrue();
        assertThat(servers.get(1).lastInteractiveActivity()).isNull();
        assertThat(servers.get(2).stateUrl().getPath()).isEqualTo("/user/bob/big/");

        // three pages of two users that have ready servers; every request asks for the envelope
        assertThat(hub.requests).containsExactly(
                "GET /hub/api/users?state=ready [application/jupyterhub-pagination+json]",
                "GET /hub/api/users?state=ready&offset=2&limit=2 [application/jupyterhub-pagination+json]");
    }

    @Test
    void aStopAnswered204IsStoppedAnd202IsStillStopping() throws Exception {
        hub.addUser("alice", false, T, server("alice", "", "cpu", T, T, T));
        hub.addUser("bob", false, T, server("bob", "", "cpu", T, T, T));
        hub.stopStatus.put("bob", 202);

        assertThat(await(target.stopServer(facts("alice"), "idle", false))).isEqualTo(StopOutcome.STOPPED);
        assertThat(await(target.stopServer(facts("bob"), "idle", false))).isEqualTo(StopOutcome.STOPPING);

        assertThat(hub.requests).contains("DELETE /hub/api/users/alice/server [null]", "DELETE /hub/api/users/bob/server [null]");
        assertThat(await(target.readyServers())).as("both left the ready list").isEmpty();
    }

    @Test
    void aFailedStopCarriesTheHubsMessage() throws Exception {
        hub.addUser("alice", false, T, server("alice", "", "cpu", T, T, T));
        hub.stopStatus.put("alice", 500);
        ServerFacts alice = facts("alice");

        assertThatThrownBy(() -> await(target.stopServer(alice, "idle", false)))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("DELETE /users/alice/server answered HTTP 500: Spawner failed to stop alice");
    }

    @Test
    void aNamedServerIsRemovedWithRemoveTrueInTheBody() throws Exception {
        hub.addUser("alice", false, T, server("alice", "gpu", "gpu", T, T, T), server("alice", "cpu", "cpu", T, T, T));

        await(target.stopServer(facts("alice/gpu"), "idle", true));
        await(target.stopServer(facts("alice/cpu"), "idle", false));

        assertThat(hub.stopBodies).containsEntry("alice/gpu", "{\"remove\":true}").containsEntry("alice/cpu", "");
        assertThat(hub.requests).contains("DELETE /hub/api/users/alice/servers/gpu [null]");
    }

    @Test
    void namesAreQuotedInPaths() throws Exception {
        hub.addUser("ann lee@example.org", false, T, server("ann lee@example.org", "", "cpu", T, T, T));

        assertThat(await(target.stopServer(facts("ann lee@example.org"), "idle", false))).isEqualTo(StopOutcome.STOPPED);
        assertThat(hub.requests).contains("DELETE /hub/api/users/ann%20lee%40example.org/server [null]");
    }

    @Test
    void listsUsersWithoutServersAndDeletesThem() throws Exception {
        hub.addUser("alice", false, T, server("alice", "", "cpu", T, T, T));
        hub.addUser("bob", true, T.minusSeconds(9000));
        hub.users.get("bob").put("last_activity", (Object) null);

        List<UserFacts> users = await(target.usersWithoutServers());
        assertThat(users).containsExactly(new UserFacts("bob", true, Instant.parse("2025-01-01T00:00:00Z"), null));

        await(target.deleteUser("bob", "user idle"));
        assertThat(hub.users).containsOnlyKeys("alice");
        assertThatThrownBy(() -> await(target.deleteUser("bob", "again"))).hasMessageContaining("HTTP 404: No such user");
    }

    @Test
    void aWrongTokenFailsTheListingWithTheHubsAnswer() throws Exception {
        RestApiCullTarget wrong = new RestApiCullTarget(vertx, hub.apiUrl(), "not-the-token", URI.create("http://127.0.0.1/"),
                Duration.ofSeconds(30), 0);
        try {
            assertThatThrownBy(() -> await(wrong.readyServers()))
                    .hasMessageContaining("GET /users?state=ready answered HTTP 403: Missing or invalid credentials");
        } finally {
            wrong.close();
        }
    }

    @Test
    void aGivenPageSizeIsSentAsLimit() throws Exception {
        for (int i = 0; i < 7; i++) {
            hub.addUser("u" + i, false, T, server("u" + i, "", "cpu", T, T, T));
        }
        RestApiCullTarget paged = new RestApiCullTarget(vertx, hub.apiUrl(), FakeHub.TOKEN, URI.create("http://127.0.0.1/"),
                Duration.ofSeconds(30), 3);
        try {
            assertThat(await(paged.readyServers())).hasSize(7);
        } finally {
            paged.close();
        }
        assertThat(hub.requests).extracting(r -> r.substring(0, r.indexOf(' ', 4))).containsExactly(
                "GET /hub/api/users?state=ready&limit=3",
                "GET /hub/api/users?state=ready&offset=3&limit=3",
                "GET /hub/api/users?state=ready&offset=6&limit=3");
    }

    static String resource(String name) throws Exception {
        try (var in = RestApiCullTargetTest.class.getResourceAsStream("/notebook-6.4/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
