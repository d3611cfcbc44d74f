package io.notebookhub.proxy;

import static io.notebookhub.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChpApiTest {
    private Vertx vertx;
    private ProxyFixture f;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        f = new ProxyFixture(vertx, ProxyFixture.defaults().defaultTarget("http://127.0.0.1:9/hub"));
    }

    @AfterEach
    void stop() {
        f.close();
        await(vertx.close());
    }

    @Test
    void listsTheDefaultRouteAddedAtStartLikeChp() {
        var resp = f.api(HttpMethod.GET, "/api/routes", null);
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.getHeader("Content-Type")).startsWith("application/json");
        JsonObject root = resp.bodyAsJsonObject().getJsonObject("/");
        assertThat(root.getString("target")).isEqualTo("http://127.0.0.1:9/hub");
        assertThat(root.getString("last_activity")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    }

    @Test
    void addsGetsAndDeletesARouteWithItsDataKeptVerbatim() {
        var post = f.api(HttpMethod.POST, "/api/routes/user/alice",
                "{\"target\": \"http://127.0.0.1:1234\", \"user\": \"alice\", \"server_name\": \"\", \"jupyterhub\": true}");
        assertThat(post.statusCode()).isEqualTo(201);
        assertThat(post.bodyAsString()).isNull();

        JsonObject one = f.api(HttpMethod.GET, "/api/routes/user/alice", null).bodyAsJsonObject();
        assertThat(one.fieldNames()).containsExactlyInAnyOrder(
                "target", "user", "server_name", "jupyterhub", "last_activity", "last_interactive_activity");
        assertThat(one.getString("target")).isEqualTo("http://127.0.0.1:1234");
        assertThat(one.getBoolean("jupyterhub")).isTrue();
        assertThat(Instant.parse(one.getString("last_activity"))).isCloseTo(Instant.now(),
                org.assertj.core.api.Assertions.within(60, java.time.temporal.ChronoUnit.SECONDS));

        JsonObject all = f.api(HttpMethod.GET, "/api/routes", null).bodyAsJsonObject();
        assertThat(all.fieldNames()).containsExactlyInAnyOrder("/", "/user/alice");

        assertThat(f.api(HttpMethod.DELETE, "/api/routes/user/alice", null).statusCode()).isEqualTo(204);
        assertThat(f.api(HttpMethod.DELETE, "/api/routes/user/alice", null).statusCode()).isEqualTo(404);
        assertThat(f.api(HttpMethod.GET, "/api/routes/user/alice", null).statusCode()).isEqualTo(404);
    }

    @Test
    void storesQuotedPathsDecodedAndWithoutTrailingSlash() {
        assertThat(f.api(HttpMethod.POST, "/api/routes/user/al%20ice@x/", "{\"target\": \"http://127.0.0.1:1\"}")
                .statusCode()).isEqualTo(201);
        assertThat(f.api(HttpMethod.GET, "/api/routes", null).bodyAsJsonObject().fieldNames()).contains("/user/al ice@x");
    }

    @Test
    void refusesABodyWithoutAStringTargetOrNotJson() {
        assertThat(f.api(HttpMethod.POST, "/api/routes/user/bob", "{\"target\": 5}").statusCode()).isEqualTo(400);
        assertThat(f.api(HttpMethod.POST, "/api/routes/user/bob", "{not json").statusCode()).isEqualTo(400);
        assertThat(f.api(HttpMethod.POST, "/api/routes/user/bob", "{\"target\": \"gopher://x\"}").statusCode()).isEqualTo(400);
        assertThat(f.api(HttpMethod.GET, "/api/routes/user/bob", null).statusCode()).isEqualTo(404);
    }

    @Test
    void filtersByInactiveSinceAndRefusesABadTimestamp() {
        f.api(HttpMethod.POST, "/api/routes/user/alice", "{\"target\": \"http://127.0.0.1:1\"}");
        String past = "2000-01-01T00:00:00.000Z";
        String future = Instant.now().plusSeconds(3600).toString();
        assertThat(f.api(HttpMethod.GET, "/api/routes?inactive_since=" + past, null).bodyAsJsonObject().isEmpty()).isTrue();
        assertThat(f.api(HttpMethod.GET, "/api/routes?inactive_since=" + future, null).bodyAsJsonObject().fieldNames())
                .contains("/user/alice");
        assertThat(f.api(HttpMethod.GET, "/api/routes?inactiveSince=" + future, null).bodyAsJsonObject().fieldNames())
                .contains("/user/alice");
        assertThat(f.api(HttpMethod.GET, "/api/routes?inactive_since=yesterday", null).statusCode()).isEqualTo(400);
    }

    @Test
    void refusesAWrongOrMissingTokenWith403() {
        var none = await(f.http.get(f.proxy.apiPort(), "127.0.0.1", "/api/routes").send());
        var wrong = await(f.http.get(f.proxy.apiPort(), "127.0.0.1", "/api/routes")
                .putHeader("Authorization", "token nope").send());
        var bearer = await(f.http.post(f.proxy.apiPort(), "127.0.0.1", "/api/routes/x")
                .putHeader("Authorization", "Bearer " + ProxyFixture.TOKEN).sendJsonObject(new JsonObject().put("target", "http://h")));
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(bearer.statusCode()).isEqualTo(403);
        assertThat(f.api(HttpMethod.GET, "/api/routes/x", null).statusCode()).isEqualTo(404);
    }

    @Test
    void answers405ForOtherMethodsAnd404ForOtherPaths() {
        assertThat(f.api(HttpMethod.PUT, "/api/routes/user/a", "{}").statusCode()).isEqualTo(405);
        assertThat(f.api(HttpMethod.GET, "/api/other", null).statusCode()).isEqualTo(404);
    }

    @Test
    void neverServesTheApiOnThePublicPort() {
        var resp = await(f.http.get(f.proxy.publicPort(), "127.0.0.1", "/api/routes")
                .putHeader("Authorization", "token " + ProxyFixture.TOKEN).send());
        // The public port routes /api/routes like any path: to the default target (down here), never the table.
        assertThat(resp.statusCode()).isEqualTo(503);
        assertThat(resp.bodyAsString()).doesNotContain("last_activity");
    }
}
