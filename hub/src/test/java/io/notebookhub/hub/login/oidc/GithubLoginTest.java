package io.notebookhub.hub.login.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.notebookhub.hub.HubApp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub preset (plain OAuth 2, no ID token) against a local stand-in for github.com and its API: the user
 * name comes from {@code /user}, groups from organisations and teams.
 */
class GithubLoginTest {
    private static final String ADMIN_TOKEN = "github-test-admin-token-0123456789";
    @TempDir
    static Path temp;
    static Vertx vertx;
    static HttpServer github;
    static HubApp hub;
    static String base;
    /** What the stand-in answers for each access token: login, orgs, teams. */
    static final Map<String, JsonObject> people = new ConcurrentHashMap<>();
    static final Map<String, String> codes = new ConcurrentHashMap<>();
    static final Map<String, String> tokenRequests = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Router r = Router.router(vertx);
        r.route().handler(BodyHandler.create());
        r.post("/login/oauth/access_token").handler(ctx -> {
            String code = ctx.request().getFormAttribute("code");
            tokenRequests.put(code == null ? "" : code, ctx.body().asString());
            String token = codes.remove(code == null ? "" : code);
            ctx.response().putHeader("Content-Type", "application/json").end(token == null
                    ? new JsonObject().put("error", "bad_verification_code").encode()
                    : new JsonObject().put("access_token", token).put("token_type", "bearer")
                    .put("scope", "read:org,read:user").encode());
        });
        r.get("/api/user").handler(ctx -> person(ctx).ifPresent(p -> ctx.json(new JsonObject()
                .put("login", p.getString("login")).put("id", 1))));
        r.get("/api/user/orgs").handler(ctx -> person(ctx).ifPresent(p -> ctx.json(p.getJsonArray("orgs"))));
        r.get("/api/user/teams").handler(ctx -> person(ctx).ifPresent(p -> ctx.json(p.getJsonArray("teams"))));
        github = vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1").toCompletionStage()
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        String gh = "http://127.0.0.1:" + github.actualPort();
        hub = InProcessHub.start(temp, "github", Map.of("type", "github", "client_id", "gh-client",
                "authorize_url", gh + "/login/oauth/authorize", "token_url", gh + "/login/oauth/access_token",
                "userinfo_url", gh + "/api/user", "allowed_groups", List.of("acme:gpu"),
                "admin_groups", List.of("acme:hub-admins")), ADMIN_TOKEN);
        base = "http://127.0.0.1:" + hub.proxyPort();
    }

    static java.util.Optional<JsonObject> person(io.vertx.ext.web.RoutingContext ctx) {
        String auth = ctx.request().getHeader("Authorization");
        JsonObject p = auth == null ? null : people.get(auth.replaceFirst("(?i)^bearer ", ""));
        if (p == null) {
            ctx.response().setStatusCode(401).end();
        }
        return java.util.Optional.ofNullable(p);
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static HttpResponse<String> signIn(LoginClient browser, String login, List<String> orgs,
                                       List<Map<String, Object>> teams) throws Exception {
        String token = "gho_" + login;
        people.put(token, new JsonObject().put("login", login).put("orgs", new JsonArray(orgs.stream()
                .map(o -> new JsonObject().put("login", o)).toList())).put("teams", new JsonArray(teams)));
        HttpResponse<String> start = browser.get(base + "/hub/oauth_login?next=/hub/home");
        String authorize = LoginClient.location(start);
        assertThat(authorize).contains("client_id=gh-client").contains("scope=read%3Auser+read%3Aorg")
                .contains("code_challenge=").doesNotContain("nonce=");
        String code = "code-" + login;
        codes.put(code, token);
        return browser.get(base + "/hub/oauth_callback?code=" + code + "&state="
                + OidcLoginTest.query(authorize, "state"));
    }

    static Map<String, Object> team(String org, String slug) {
        return Map.of("slug", slug, "organization", Map.of("login", org));
    }

    static JsonNode adminGet(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "token " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body());
    }

    @Test
    void aMemberOfAnAllowedTeamSignsInWithTheirLoginAndTheirOrgsAndTeamsAsGroups() throws Exception {
        HttpResponse<String> done = signIn(new LoginClient(), "Octo-Cat", List.of("acme"),
                List.of(team("acme", "gpu"), team("acme", "hub-admins")));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(302);
        assertThat(tokenRequests.get("code-Octo-Cat")).contains("code_verifier=");
        JsonNode user = adminGet("/hub/api/users/octo-cat");
        assertThat(user.path("groups").toString()).contains("\"acme\"").contains("acme:gpu");
        assertThat(user.path("admin").asBoolean()).isTrue();
    }

    @Test
    void someoneOutsideTheAllowedTeamsIsRefused() throws Exception {
        LoginClient browser = new LoginClient();
        HttpResponse<String> done = signIn(browser, "stranger", List.of("elsewhere"), List.of(team("elsewhere", "gpu")));
        assertThat(done.statusCode()).isEqualTo(403);
        assertThat(done.body()).contains("stranger is neither an allowed user nor in an allowed group");
        assertThat(browser.cookie("nbhub-session")).isNull();
    }
}
