package io.notebookhub.system.api;

import static io.notebookhub.system.api.AdminHub.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API as JupyterHub tools use it, endpoint by endpoint: success, 403 for a missing scope, 404 for what
 * is missing or out of the caller's reach, 400 for bad input, and the pagination envelope's edges. No servers
 * are started here (see {@link ServersApiIT}).
 */
class AdminApiIT {
    static final String PAGED = "application/jupyterhub-pagination+json";

    @TempDir
    static Path temp;
    static AdminHub hub;
    /** alice's token with all of alice's own permissions (the user role) and nothing else. */
    static String alice;

    @BeforeAll
    static void start() throws Exception {
        hub = new AdminHub(temp.resolve("data")).start();
        hub.adminJson("POST", "/hub/api/users", "{\"usernames\": [\"alice\", \"bob\", \"admin\"]}", 201);
        alice = hub.tokenFor("alice", "inherit");
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    private static void assertError(HttpResponse<String> r, int status) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(json(r).path("status").asInt()).isEqualTo(status);
        assertThat(json(r).path("message").asText()).isNotBlank();
    }

    @Test
    void theVersionIsPublicAndHubInfoNeedsReadHub() throws Exception {
        HttpResponse<String> version = hub.call("GET", "/hub/api/", null, null);
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(json(version).path("version").asText()).isNotBlank();
        assertThat(hub.adminJson("GET", "/hub/api/info", null, 200).path("spawner").has("class")).isTrue();
        assertError(hub.call("GET", "/hub/api/info", null, alice), 403);
        assertThat(hub.call("GET", "/hub/health", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void whoamiTellsWhoTheTokenBelongsToAndWhatItMayDo() throws Exception {
        String narrow = hub.tokenFor("alice", "read:users!user=alice", "access:servers!user=alice");
        JsonNode me = json(hub.call("GET", "/hub/api/user", null, narrow));
        assertThat(me.path("kind").asText()).isEqualTo("user");
        assertThat(me.path("name").asText()).isEqualTo("alice");
        assertThat(me.path("token_id").asText()).startsWith("a");
        List<String> scopes = new ArrayList<>();
        me.path("scopes").forEach(s -> scopes.add(s.asText()));
        assertThat(scopes).contains("access:servers!user=alice", "read:users!user=alice")
                .doesNotContain("servers!user=alice", "admin:users");

        JsonNode service = hub.adminJson("GET", "/hub/api/user", null, 200);
        assertThat(service.path("kind").asText()).isEqualTo("service");
        assertError(hub.call("GET", "/hub/api/user", null, null), 403);
        assertError(hub.call("GET", "/hub/api/user", null, "not-a-real-token"), 403);
    }

    @Test
    void whoamiFollowsWhatChangedSinceItsLastAnswer() throws Exception {
        hub.adminJson("POST", "/hub/api/users/erin", "{}", 201);
        String erin = hub.tokenFor("erin", "inherit");
        // The first answer reads the store; the second comes from the caches the first filled.
        JsonNode first = json(hub.call("GET", "/hub/api/user", null, erin));
        assertThat(json(hub.call("GET", "/hub/api/user", null, erin))).isEqualTo(first);
        assertThat(first.path("admin").asBoolean()).isFalse();
        assertThat(first.path("groups").toString()).isEqualTo("[]");

        hub.adminJson("PATCH", "/hub/api/users/erin", "{\"admin\": true}", 200);
        hub.adminJson("POST", "/hub/api/groups/whoami-readers", "{\"users\": [\"erin\"]}", 201);

        JsonNode after = json(hub.call("GET", "/hub/api/user", null, erin));
        assertThat(after.path("admin").asBoolean()).isTrue();
        assertThat(after.path("roles").toString()).contains("admin");
        assertThat(after.path("groups").toString()).isEqualTo("[\"whoami-readers\"]");
        assertThat(hub.admin("DELETE", "/hub/api/users/erin", null).statusCode()).isEqualTo(204);
        assertError(hub.call("GET", "/hub/api/user", null, erin), 403);
    }

    @Test
    void aUserIsCreatedReadMadeAdminAndDeleted() throws Exception {
        JsonNode created = hub.adminJson("POST", "/hub/api/users/dave", "{}", 201);
        assertThat(created.path("name").asText()).isEqualTo("dave");
        assertThat(created.path("admin").asBoolean()).isFalse();
        assertError(hub.admin("POST", "/hub/api/users/dave", "{}"), 409);
        assertError(hub.admin("POST", "/hub/api/users/with%20space", "{}"), 400);

        JsonNode read = hub.adminJson("GET", "/hub/api/users/dave", null, 200);
        assertThat(read.path("kind").asText()).isEqualTo("user");
        assertThat(read.path("servers").isObject()).isTrue();
        assertThat(read.has("created")).isTrue();

        assertThat(hub.adminJson("PATCH", "/hub/api/users/dave", "{\"admin\": true}", 200).path("admin").asBoolean())
                .isTrue();
        assertThat(hub.adminJson("GET", "/hub/api/users/dave", null, 200).path("roles").toString()).contains("admin");
        assertError(hub.admin("PATCH", "/hub/api/users/dave", "{\"shoe_size\": 44}"), 400);
        assertError(hub.admin("PATCH", "/hub/api/users/dave", "{\"admin\": \"yes\"}"), 400);
        assertError(hub.admin("PATCH", "/hub/api/users/nobody", "{\"admin\": true}"), 404);
        assertError(hub.call("PATCH", "/hub/api/users/dave", "{\"admin\": false}", null, Map.of()), 403);

        assertError(hub.call("DELETE", "/hub/api/users/dave", null, alice), 403);
        assertThat(hub.admin("DELETE", "/hub/api/users/dave", null).statusCode()).isEqualTo(204);
        assertError(hub.admin("GET", "/hub/api/users/dave", null), 404);
        assertError(hub.admin("DELETE", "/hub/api/users/dave", null), 404);
    }

    @Test
    void aUserSeesThemselvesButAnotherUserIsNotFoundForThem() throws Exception {
        HttpResponse<String> self = hub.call("GET", "/hub/api/users/alice", null, alice);
        assertThat(self.statusCode()).isEqualTo(200);
        assertThat(json(self).path("name").asText()).isEqualTo("alice");
        assertError(hub.call("GET", "/hub/api/users/bob", null, alice), 404);
        assertError(hub.call("GET", "/hub/api/users", null, alice), 403);
        assertError(hub.call("POST", "/hub/api/users/mallory", "{}", alice), 403);
    }

    @Test
    void bulkCreationCreatesTheNewOnesAndRefusesWhenAllExist() throws Exception {
        JsonNode created = hub.adminJson("POST", "/hub/api/users",
                "{\"usernames\": [\"bulk1\", \"bulk2\", \"alice\"], \"admin\": false}", 201);
        List<String> names = new ArrayList<>();
        created.forEach(u -> names.add(u.path("name").asText()));
        assertThat(names).containsExactly("bulk1", "bulk2");
        assertError(hub.admin("POST", "/hub/api/users", "{\"usernames\": [\"bulk1\", \"bulk2\"]}"), 409);
        assertError(hub.admin("POST", "/hub/api/users", "{\"usernames\": []}"), 400);
        assertError(hub.admin("POST", "/hub/api/users", "{\"usernames\": [\"a/b\"]}"), 400);
        assertError(hub.admin("POST", "/hub/api/users", "{\"usernames\": [42]}"), 400);
        assertError(hub.admin("POST", "/hub/api/users", "[\"not an object\"]"), 400);
        assertError(hub.call("POST", "/hub/api/users", "{\"usernames\": [\"x1\"]}", alice), 403);
    }

    @Test
    void aJsonBodyLabelledAsAFormIsStillReadAsJupyterHubDoes() throws Exception {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            names.append(i == 0 ? "" : ",").append("\"form").append(i).append('"');
        }
        HttpResponse<String> r = hub.call("POST", "/hub/api/users", "{\"usernames\": [" + names + "]}",
                AdminHub.ADMIN_TOKEN, Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(json(r).size()).isEqualTo(1000);
    }

    @Test
    void pagesOfUsersCarryTheEnvelopeAndEndCleanly() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            names.add("page" + i);
        }
        hub.adminJson("POST", "/hub/api/users", JSON.createObjectNode()
                .set("usernames", JSON.valueToTree(names)).toString(), 201);
        Map<String, String> paged = Map.of("Accept", PAGED);

        JsonNode first = json(hub.call("GET", "/hub/api/users?name_filter=page&limit=3", null, AdminHub.ADMIN_TOKEN,
                paged));
        assertThat(first.path("items").size()).isEqualTo(3);
        assertThat(first.path("items").get(0).path("name").asText()).isEqualTo("page0");
        JsonNode p = first.path("_pagination");
        assertThat(p.path("offset").asInt()).isZero();
        assertThat(p.path("limit").asInt()).isEqualTo(3);
        assertThat(p.path("total").asInt()).isEqualTo(7);
        assertThat(p.path("next").path("offset").asInt()).isEqualTo(3);

        List<String> seen = new ArrayList<>();
        String url = "/hub/api/users?name_filter=page&limit=3";
        while (url != null) {
            JsonNode page = json(hub.call("GET", url, null, AdminHub.ADMIN_TOKEN, paged));
            page.path("items").forEach(u -> seen.add(u.path("name").asText()));
            JsonNode next = page.path("_pagination").path("next");
            url = next.isNull() ? null : next.path("url").asText();
        }
        assertThat(seen).isEqualTo(names);

        JsonNode last = json(hub.call("GET", "/hub/api/users?name_filter=page&offset=6&limit=3", null,
                AdminHub.ADMIN_TOKEN, paged));
        assertThat(last.path("items").size()).isEqualTo(1);
        assertThat(last.path("_pagination").path("next").isNull()).isTrue();
        JsonNode beyond = json(hub.call("GET", "/hub/api/users?name_filter=page&offset=100", null,
                AdminHub.ADMIN_TOKEN, paged));
        assertThat(beyond.path("items").size()).isZero();
        assertThat(beyond.path("_pagination").path("total").asInt()).isEqualTo(7);

        JsonNode capped = json(hub.call("GET", "/hub/api/users?limit=5000", null, AdminHub.ADMIN_TOKEN, paged));
        assertThat(capped.path("_pagination").path("limit").asInt()).isEqualTo(200);
        JsonNode plain = hub.adminJson("GET", "/hub/api/users?name_filter=page&limit=2", null, 200);
        assertThat(plain.isArray()).isTrue();
        assertThat(plain.size()).isEqualTo(2);

        assertError(hub.admin("GET", "/hub/api/users?limit=0", null), 400);
        assertError(hub.admin("GET", "/hub/api/users?offset=-1", null), 400);
        assertError(hub.admin("GET", "/hub/api/users?limit=lots", null), 400);
        assertError(hub.admin("GET", "/hub/api/users?state=sleepy", null), 400);
        assertThat(hub.adminJson("GET", "/hub/api/users?state=ready&name_filter=page", null, 200).size()).isZero();
        assertThat(hub.adminJson("GET", "/hub/api/users?state=inactive&name_filter=page", null, 200).size())
                .isEqualTo(7);
    }

    private static List<String> names(JsonNode users) {
        List<String> out = new ArrayList<>();
        users.forEach(u -> out.add(u.path("name").asText()));
        return out;
    }

    @Test
    void usersListInCreationOrderByDefaultAndSortByNameOrActivityEitherWay() throws Exception {
        hub.adminJson("POST", "/hub/api/users", "{\"usernames\": [\"sortc\", \"sorta\", \"sortb\", \"sortd\"]}", 201);
        Instant now = Instant.now();
        hub.adminJson("POST", "/hub/api/users/sorta/activity", "{\"last_activity\": \"" + now.minusSeconds(60) + "\"}",
                200);
        hub.adminJson("POST", "/hub/api/users/sortb/activity", "{\"last_activity\": \"" + now.minusSeconds(5) + "\"}",
                200);
        assertThat(names(hub.adminJson("GET", "/hub/api/users?name_filter=sort", null, 200)))
                .containsExactly("sortc", "sorta", "sortb", "sortd");
        assertThat(names(hub.adminJson("GET", "/hub/api/users?name_filter=sort&sort=id", null, 200)))
                .containsExactly("sortc", "sorta", "sortb", "sortd");
        assertThat(names(hub.adminJson("GET", "/hub/api/users?name_filter=sort&sort=-name", null, 200)))
                .containsExactly("sortd", "sortc", "sortb", "sorta");
        assertThat(names(hub.adminJson("GET", "/hub/api/users?name_filter=sort&sort=last_activity", null, 200)))
                .containsExactly("sortc", "sortd", "sorta", "sortb");

        // Most recently active first, page by page through the envelope; the never-active users come last.
        List<String> seen = new ArrayList<>();
        String url = "/hub/api/users?name_filter=sort&state=inactive&sort=-last_activity&limit=3";
        while (url != null) {
            JsonNode page = json(hub.call("GET", url, null, AdminHub.ADMIN_TOKEN, Map.of("Accept", PAGED)));
            assertThat(page.path("_pagination").path("total").asInt()).isEqualTo(4);
            seen.addAll(names(page.path("items")));
            JsonNode next = page.path("_pagination").path("next");
            url = next.isNull() ? null : next.path("url").asText();
            assertThat(url == null || url.contains("sort=-last_activity")).as(String.valueOf(url)).isTrue();
        }
        assertThat(seen).containsExactly("sortb", "sorta", "sortd", "sortc");

        HttpResponse<String> bad = hub.admin("GET", "/hub/api/users?sort=created", null);
        assertError(bad, 400);
        assertThat(json(bad).path("message").asText())
                .isEqualTo("sort must be 'id', 'name', or 'last_activity', not 'created'");
        assertError(hub.admin("GET", "/hub/api/users?sort=-", null), 400);
    }

    @Test
    void groupsAreCreatedFilledGivenPropertiesAndDeleted() throws Exception {
        JsonNode g = hub.adminJson("POST", "/hub/api/groups/physics", "{\"users\": [\"alice\"]}", 201);
        assertThat(g.path("kind").asText()).isEqualTo("group");
        assertThat(g.path("users").toString()).isEqualTo("[\"alice\"]");
        assertError(hub.admin("POST", "/hub/api/groups/physics", "{}"), 409);
        assertError(hub.admin("POST", "/hub/api/groups/no%20spaces", "{}"), 400);
        assertError(hub.call("POST", "/hub/api/groups/club", "{}", alice), 403);

        assertThat(hub.adminJson("POST", "/hub/api/groups/physics/users", "{\"users\": [\"bob\"]}", 200)
                .path("users").toString()).isEqualTo("[\"alice\",\"bob\"]");
        assertError(hub.admin("POST", "/hub/api/groups/physics/users", "{\"users\": [\"nobody\"]}"), 400);
        assertError(hub.admin("POST", "/hub/api/groups/physics/users", "{}"), 400);
        assertError(hub.admin("POST", "/hub/api/groups/nope/users", "{\"users\": [\"bob\"]}"), 404);
        assertThat(hub.adminJson("GET", "/hub/api/users/bob", null, 200).path("groups").toString())
                .contains("physics");

        JsonNode props = hub.adminJson("PUT", "/hub/api/groups/physics/properties", "{\"course\": \"PHY101\"}", 200);
        assertThat(props.path("properties").path("course").asText()).isEqualTo("PHY101");
        assertError(hub.admin("PUT", "/hub/api/groups/physics/properties", "[1, 2]"), 400);

        // alice belongs to physics, so she may read it (her own role's read:groups!group=physics) but not change it.
        HttpResponse<String> mine = hub.call("GET", "/hub/api/groups/physics", null, alice);
        assertThat(mine.statusCode()).as(mine.body()).isEqualTo(200);
        assertError(hub.call("POST", "/hub/api/groups/physics/users", "{\"users\": [\"alice\"]}", alice), 403);
        assertError(hub.call("GET", "/hub/api/groups/someone-elses", null, alice), 404);

        assertThat(hub.adminJson("DELETE", "/hub/api/groups/physics/users", "{\"users\": [\"alice\"]}", 200)
                .path("users").toString()).isEqualTo("[\"bob\"]");
        // Out of every group, alice's role holds no group scope at all: refused outright, at once (not cached).
        assertError(hub.call("GET", "/hub/api/groups/physics", null, alice), 403);

        hub.adminJson("POST", "/hub/api/groups", "{\"groups\": [\"g-a\", \"g-b\"], \"users\": [\"bob\"]}", 201);
        JsonNode list = json(hub.call("GET", "/hub/api/groups?limit=2", null, AdminHub.ADMIN_TOKEN,
                Map.of("Accept", PAGED)));
        assertThat(list.path("items").size()).isEqualTo(2);
        assertThat(list.path("_pagination").path("total").asInt()).isGreaterThanOrEqualTo(3);
        assertError(hub.call("GET", "/hub/api/groups", null, alice), 403);

        assertThat(hub.admin("DELETE", "/hub/api/groups/physics", null).statusCode()).isEqualTo(204);
        assertError(hub.admin("GET", "/hub/api/groups/physics", null), 404);
        assertError(hub.admin("DELETE", "/hub/api/groups/physics", null), 404);
        assertThat(hub.adminJson("GET", "/hub/api/users/bob", null, 200).path("groups").toString())
                .doesNotContain("physics");
    }

    @Test
    void aGroupFilteredTokenListsOnlyThatGroupsMembers() throws Exception {
        assertThat(hub.adminJson("GET", "/hub/api/users/admin", null, 200).path("admin").asBoolean())
                .as("admin is a configured admin user").isTrue();
        hub.adminJson("POST", "/hub/api/groups/chem", "{\"users\": [\"bob\"]}", 201);
        String chemOnly = hub.tokenFor("admin", "list:users!group=chem", "read:users!group=chem");
        HttpResponse<String> r = hub.call("GET", "/hub/api/users", null, chemOnly);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        json(r).forEach(u -> names.add(u.path("name").asText()));
        assertThat(names).containsExactly("bob");
        assertThat(hub.call("GET", "/hub/api/users/bob", null, chemOnly).statusCode()).isEqualTo(200);
        assertError(hub.call("GET", "/hub/api/users/alice", null, chemOnly), 404);
    }

    @Test
    void tokensAreCreatedWithScopesExpiryAndNoteListedAndRevoked() throws Exception {
        HttpResponse<String> made = hub.call("POST", "/hub/api/users/alice/tokens",
                "{\"scopes\": [\"read:users!user=alice\"], \"expires_in\": 3600, \"note\": \"for my script\"}", alice);
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        JsonNode t = json(made);
        assertThat(t.path("token").asText()).isNotBlank();
        assertThat(t.path("note").asText()).isEqualTo("for my script");
        assertThat(Instant.parse(t.path("expires_at").asText())).isAfter(Instant.now().plus(50, ChronoUnit.MINUTES));
        assertThat(t.path("scopes").toString()).isEqualTo("[\"read:users!user=alice\"]");
        String id = t.path("id").asText();

        assertThat(json(hub.call("GET", "/hub/api/users/alice/tokens", null, alice)).path("api_tokens").toString())
                .contains(id);
        assertThat(json(hub.call("GET", "/hub/api/users/alice/tokens/" + id, null, alice)).path("note").asText())
                .isEqualTo("for my script");
        assertError(hub.call("GET", "/hub/api/users/alice/tokens/a999999", null, alice), 404);
        assertError(hub.call("GET", "/hub/api/users/bob/tokens", null, alice), 404);
        assertError(hub.call("POST", "/hub/api/users/alice/tokens", "{\"scopes\": [\"admin:users\"]}", alice), 403);
        assertError(hub.call("POST", "/hub/api/users/alice/tokens", "{\"scopes\": [\"read:everything\"]}", alice), 400);
        assertError(hub.call("POST", "/hub/api/users/alice/tokens", "{\"expires_in\": -5}", alice), 400);
        assertError(hub.admin("POST", "/hub/api/users/nobody/tokens", "{}"), 404);

        String secret = t.path("token").asText();
        assertThat(hub.call("GET", "/hub/api/user", null, secret).statusCode()).isEqualTo(200);
        assertThat(hub.call("DELETE", "/hub/api/users/alice/tokens/" + id, null, alice).statusCode()).isEqualTo(204);
        assertError(hub.call("GET", "/hub/api/user", null, secret), 403);
        assertError(hub.call("DELETE", "/hub/api/users/alice/tokens/" + id, null, alice), 404);
    }

    @Test
    void activityMovesForwardAndIsRefusedFromTheFutureOrForOthers() throws Exception {
        String when = Instant.now().minusSeconds(5).toString();
        HttpResponse<String> ok = hub.call("POST", "/hub/api/users/alice/activity",
                "{\"last_activity\": \"" + when + "\"}", alice);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(hub.adminJson("GET", "/hub/api/users/alice", null, 200).path("last_activity").asText())
                .startsWith(when.substring(0, 19));
        assertError(hub.call("POST", "/hub/api/users/alice/activity",
                "{\"last_activity\": \"" + Instant.now().plus(2, ChronoUnit.HOURS) + "\"}", alice), 400);
        assertError(hub.call("POST", "/hub/api/users/alice/activity", "{\"servers\": []}", alice), 400);
        assertError(hub.call("POST", "/hub/api/users/alice/activity", "{}", alice), 400);
        assertError(hub.call("POST", "/hub/api/users/bob/activity", "{\"last_activity\": \"" + when + "\"}", alice),
                404);
        assertError(hub.admin("POST", "/hub/api/users/nobody/activity", "{\"last_activity\": \"" + when + "\"}"), 404);
    }

    @Test
    void theProxyTableIsReadSyncedAndTheEmbeddedProxyCannotBeRepointed() throws Exception {
        JsonNode routes = hub.adminJson("GET", "/hub/api/proxy", null, 200);
        assertThat(routes.has("/")).isTrue();
        assertThat(routes.path("/").path("target").asText()).startsWith("http://");
        assertError(hub.call("GET", "/hub/api/proxy", null, alice), 403);
        assertThat(hub.admin("POST", "/hub/api/proxy", null).statusCode()).isEqualTo(200);
        assertError(hub.call("POST", "/hub/api/proxy", null, alice), 403);
        assertThat(hub.admin("PATCH", "/hub/api/proxy", "{}").statusCode()).isEqualTo(200);
        HttpResponse<String> moved = hub.admin("PATCH", "/hub/api/proxy", "{\"ip\": \"127.0.0.2\"}");
        assertError(moved, 400);
        assertThat(json(moved).path("message").asText()).contains("embedded");
        assertError(hub.admin("PATCH", "/hub/api/proxy", "{\"colour\": \"red\"}"), 400);
    }

    @Test
    void ourOpenApiDocumentAndPrometheusMetricsAreServed() throws Exception {
        HttpResponse<String> doc = hub.call("GET", "/hub/api/openapi.yaml", null, null);
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(doc.body()).contains("openapi: 3.1.0", "/groups/{name}/users:", "/proxy:");
        hub.adminJson("GET", "/hub/api/users", null, 200);
        assertThat(hub.call("GET", "/hub/metrics", null, null).statusCode()).isEqualTo(403);
        assertThat(hub.call("GET", "/hub/metrics", null, alice).statusCode()).isEqualTo(403);
        String metrics = hub.admin("GET", "/hub/metrics", null).body();
        assertThat(metrics).contains("notebookhub_api_request_duration_seconds_bucket")
                .contains("route=\"/hub/api/users\"");
        hub.admin("GET", "/hub/api/users/no-such-user-for-metrics", null);
        String after = hub.admin("GET", "/hub/metrics", null).body();
        assertThat(after).contains("method=\"GET\",route=\"/hub/api/users/:name\",status=\"4xx\"")
                .doesNotContain("no-such-user-for-metrics");
    }
}
