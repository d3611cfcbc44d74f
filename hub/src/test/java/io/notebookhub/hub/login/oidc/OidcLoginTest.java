package io.notebookhub.hub.login.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.notebookhub.hub.HubApp;
import io.notebookhub.hub.config.HubConfig;
import io.notebookhub.hub.store.H2HubStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub in this JVM (real wiring, store, proxy) against a real OIDC server in this JVM (mock-oauth2-server): who
 * gets in, and every way a sign-in can be tampered with. The provider's token endpoint is reached through a small
 * relay that can alter the ID token, to show a broken signature is refused.
 */
class OidcLoginTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT_ID = "notebook-hub";
    private static final String ADMIN_TOKEN = "oidc-test-admin-token-0123456789";
    private static final Pattern XSRF = Pattern.compile("name=\"_xsrf\" value=\"([0-9a-f]+)\"");

    @TempDir
    static Path temp;
    static MockOAuth2Server provider;
    static Vertx vertx;
    static HttpServer relay;
    static final AtomicBoolean tamperIdToken = new AtomicBoolean();
    static HubApp hub;
    static String base;
    static String issuer;

    @BeforeAll
    static void start() throws Exception {
        // Interactive login: each sign-in names its user and claims in the form post, so tests cannot leak
        // identities into each other through a shared queue.
        provider = new MockOAuth2Server(new OAuth2Config(true, null, null, false, new OAuth2TokenProvider(),
                Set.of(new DefaultOAuth2TokenCallback("default", "unused", "JWT", List.of(CLIENT_ID), Map.of(), 3600)),
                new MockWebServerWrapper()));
        provider.start(InetAddress.getByName("127.0.0.1"), 0);
        issuer = "http://127.0.0.1:" + provider.baseUrl().port() + "/default";
        vertx = Vertx.vertx();
        relay = startRelay(issuer + "/token");
        hub = startHub("main", Map.of(
                "issuer_url", issuer,
                "token_url", "http://127.0.0.1:" + relay.actualPort() + "/token",
                "allowed_users", List.of("alice"),
                "allowed_groups", List.of("gpu-users"),
                "blocked_users", List.of("Mallory"),
                "admin_groups", List.of("hub-admins"),
                "strip_domain", true,
                "end_provider_session", true,
                "pass_auth_state_to_server", true));
        base = "http://127.0.0.1:" + hub.proxyPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        if (provider != null) {
            provider.shutdown();
        }
    }

    static int freePort() throws IOException {
        return InProcessHub.freePort();
    }

    static HubApp startHub(String name, Map<String, Object> auth) throws Exception {
        Map<String, Object> section = new java.util.LinkedHashMap<>(Map.of("type", "oidc", "client_id", CLIENT_ID));
        section.putAll(auth);
        // A "server" that writes down the environment it was given and exits: enough to see what a spawn passes.
        Map<String, Object> spawner = Map.of("start_timeout", 30, "local", Map.of("command",
                List.of("sh", "-c", "env > \"$HOME/spawn.env\"; exit 3", "sh")));
        return InProcessHub.start(temp, name, section, ADMIN_TOKEN, Map.of("spawner", spawner));
    }

    /** Forwards token requests to the provider; when asked, changes the ID token's payload and keeps its signature. */
    static HttpServer startRelay(String tokenUrl) throws Exception {
        WebClient web = WebClient.create(vertx);
        return vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            var forward = web.postAbs(tokenUrl);
            req.headers().forEach(h -> {
                if (!h.getKey().equalsIgnoreCase("Host") && !h.getKey().equalsIgnoreCase("Content-Length")) {
                    forward.putHeader(h.getKey(), h.getValue());
                }
            });
            forward.sendBuffer(body).onComplete(ar -> {
                if (ar.failed()) {
                    req.response().setStatusCode(502).end();
                    return;
                }
                String answer = ar.result().bodyAsString();
                if (tamperIdToken.get() && ar.result().statusCode() == 200) {
                    JsonObject json = new JsonObject(answer);
                    String[] parts = json.getString("id_token").split("\\.");
                    JsonObject payload = new JsonObject(Buffer.buffer(Base64.getUrlDecoder().decode(parts[1])));
                    payload.put("preferred_username", "alice");
                    parts[1] = Base64.getUrlEncoder().withoutPadding()
                            .encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8));
                    answer = json.put("id_token", String.join(".", parts)).encode();
                }
                req.response().setStatusCode(ar.result().statusCode())
                        .putHeader("Content-Type", "application/json").end(answer);
            });
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** The next sign-in's tokens expire this many seconds from now (negative: already expired). */
    static void nextTokensExpireIn(long expirySeconds) {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", "unused", "JWT", List.of(CLIENT_ID),
                Map.of(), expirySeconds));
    }

    /** The hub's login start, the provider's login form answered as {@code username}: the callback URL to call. */
    static String toCallback(LoginClient browser, String next, String username, List<String> groups)
            throws Exception {
        HttpResponse<String> login = browser.get(base + "/hub/oauth_login?next="
                + URLEncoder.encode(next, StandardCharsets.UTF_8));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
        return answerLoginForm(browser, LoginClient.location(login), username, groups);
    }

    static String answerLoginForm(LoginClient browser, String authorize, String username, List<String> groups)
            throws Exception {
        assertThat(authorize).startsWith(issuer + "/authorize").contains("code_challenge_method=S256")
                .contains("nonce=").contains("state=");
        String claims = JSON.writeValueAsString(Map.of("preferred_username", username, "groups", groups));
        HttpResponse<String> answered = browser.post(authorize, "username=sub-" + URLEncoder.encode(username.strip(),
                StandardCharsets.UTF_8) + "&claims=" + URLEncoder.encode(claims, StandardCharsets.UTF_8), null);
        return LoginClient.location(answered);
    }

    static HttpResponse<String> signIn(LoginClient browser, String username, List<String> groups, String next)
            throws Exception {
        return browser.get(toCallback(browser, next, username, groups));
    }

    static JsonNode adminGet(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "token " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    @Test
    void anAllowedUserSignsInWithANormalisedNameAndLandsOnNext() throws Exception {
        LoginClient alice = new LoginClient();
        HttpResponse<String> done = signIn(alice, "  Alice@Example.ORG ", List.of(), "/hub/spawn");
        assertThat(done.statusCode()).as(done.body()).isEqualTo(302);
        assertThat(LoginClient.location(done)).isEqualTo(base + "/hub/spawn");
        assertThat(done.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
                .startsWith("nbhub-session=").containsIgnoringCase("HttpOnly").contains("SameSite=Lax"));
        HttpResponse<String> whoami = alice.get(base + "/hub/api/user");
        assertThat(JSON.readTree(whoami.body()).path("name").asText()).isEqualTo("alice");
    }

    @Test
    void aBlockedUserIsRefusedEvenInAnAllowedGroup() throws Exception {
        LoginClient mallory = new LoginClient();
        HttpResponse<String> done = signIn(mallory, "mallory", List.of("gpu-users"), "/hub/home");
        assertThat(done.statusCode()).isEqualTo(403);
        assertThat(done.body()).contains("blocked").contains("id=\"login-retry\"").doesNotContain("Exception");
        assertThat(mallory.cookie("nbhub-session")).isNull();
    }

    @Test
    void aUserNeitherListedNorInAnAllowedGroupIsRefused() throws Exception {
        LoginClient carol = new LoginClient();
        HttpResponse<String> done = signIn(carol, "carol", List.of("other-team"), "/hub/home");
        assertThat(done.statusCode()).isEqualTo(403);
        assertThat(done.body()).contains("carol is neither an allowed user nor in an allowed group");
        assertThat(carol.cookie("nbhub-session")).isNull();
        assertThat(adminGet("/hub/api/users/carol").path("status").asInt()).isEqualTo(404);
    }

    @Test
    void anAllowedGroupLetsInAndAdminFollowsTheProvidersGroupsAtEachLogin() throws Exception {
        HttpResponse<String> first = signIn(new LoginClient(), "dave", List.of("gpu-users", "hub-admins"), "/hub/home");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(302);
        JsonNode dave = adminGet("/hub/api/users/dave");
        assertThat(dave.path("admin").asBoolean()).isTrue();
        assertThat(dave.path("groups").toString()).contains("gpu-users").contains("hub-admins");

        HttpResponse<String> second = signIn(new LoginClient(), "dave", List.of("gpu-users"), "/hub/home");
        assertThat(second.statusCode()).isEqualTo(302);
        JsonNode after = adminGet("/hub/api/users/dave");
        assertThat(after.path("admin").asBoolean()).as("removed from hub-admins at the provider").isFalse();
        assertThat(after.path("groups").toString()).contains("gpu-users").doesNotContain("hub-admins");
    }

    @Test
    void aTamperedStateIsRefused() throws Exception {
        LoginClient erin = new LoginClient();
        String callback = toCallback(erin, "/hub/home", "alice", List.of());
        String tampered = callback.replaceFirst("state=([^&]+)", "state=x$1");
        HttpResponse<String> done = erin.get(tampered);
        assertThat(done.statusCode()).isEqualTo(400);
        assertThat(done.body()).contains("state does not match").contains("id=\"login-retry\"");
        assertThat(erin.cookie("nbhub-session")).isNull();
    }

    @Test
    void aReplayedCallbackIsRefusedEvenWithTheOriginalStateCookie() throws Exception {
        LoginClient alice = new LoginClient();
        String callback = toCallback(alice, "/hub/home", "alice", List.of());
        String stateCookie = alice.cookie(OidcAuthenticator.STATE_COOKIE);
        assertThat(alice.get(callback).statusCode()).isEqualTo(302);

        LoginClient attacker = new LoginClient();
        HttpResponse<String> withoutCookie = attacker.get(callback);
        assertThat(withoutCookie.statusCode()).isEqualTo(400);
        assertThat(attacker.cookie("nbhub-session")).isNull();

        HttpResponse<String> replay = attacker.http.send(HttpRequest.newBuilder(URI.create(callback))
                .header("Cookie", OidcAuthenticator.STATE_COOKIE + "=" + stateCookie).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("already used");
        assertThat(replay.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("nbhub-session=")
                && !c.startsWith("nbhub-session=;"));
    }

    @Test
    void aCodeIssuedToAnotherBrowserIsRefused() throws Exception {
        LoginClient victim = new LoginClient();
        String victimCallback = toCallback(victim, "/hub/home", "alice", List.of());
        String victimCode = query(victimCallback, "code");

        // The attacker's own login state with the victim's code: PKCE ties the code to the victim's verifier.
        LoginClient attacker = new LoginClient();
        String attackerCallback = toCallback(attacker, "/hub/home", "eve", List.of());
        String forged = attackerCallback.replaceFirst("code=[^&]+", "code=" + victimCode);
        HttpResponse<String> done = attacker.get(forged);
        assertThat(done.statusCode()).isEqualTo(403);
        assertThat(done.body()).contains("did not accept the sign-in");
        assertThat(attacker.cookie("nbhub-session")).isNull();

        // The victim's callback in the attacker's browser: the state is bound to the victim's browser.
        HttpResponse<String> stolen = attacker.get(victimCallback);
        assertThat(stolen.statusCode()).isEqualTo(400);
        assertThat(attacker.cookie("nbhub-session")).isNull();
    }

    @Test
    void anIdTokenWithAnotherNonceIsRefused() throws Exception {
        LoginClient alice = new LoginClient();
        HttpResponse<String> login = alice.get(base + "/hub/oauth_login?next=/hub/home");
        String authorize = LoginClient.location(login).replaceFirst("nonce=[^&]+", "nonce=replayed-nonce");
        HttpResponse<String> done = alice.get(answerLoginForm(alice, authorize, "alice", List.of()));
        assertThat(done.statusCode()).isEqualTo(403);
        assertThat(done.body()).contains("nonce");
        assertThat(alice.cookie("nbhub-session")).isNull();
    }

    @Test
    void anExpiredIdTokenIsRefusedButSmallClockSkewIsTolerated() throws Exception {
        LoginClient alice = new LoginClient();
        nextTokensExpireIn(-600);
        HttpResponse<String> expired = alice.get(toCallback(alice, "/hub/home", "alice", List.of()));
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(expired.body()).contains("expired").contains("id=\"login-retry\"");
        assertThat(alice.cookie("nbhub-session")).isNull();

        nextTokensExpireIn(-30);
        HttpResponse<String> skewed = alice.get(toCallback(alice, "/hub/home", "alice", List.of()));
        assertThat(skewed.statusCode()).as(skewed.body()).isEqualTo(302);
    }

    @Test
    void anIdTokenWithABrokenSignatureIsRefused() throws Exception {
        LoginClient bob = new LoginClient();
        tamperIdToken.set(true);
        try {
            HttpResponse<String> done = signIn(bob, "bob", List.of(), "/hub/home");
            assertThat(done.statusCode()).isEqualTo(403);
            assertThat(done.body()).contains("signature");
            assertThat(bob.cookie("nbhub-session")).isNull();
        } finally {
            tamperIdToken.set(false);
        }
    }

    @Test
    void nextNeverLeadsOffTheHub() throws Exception {
        for (String next : List.of("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
                "http:/evil.example")) {
            LoginClient alice = new LoginClient();
            HttpResponse<String> done = signIn(alice, "alice", List.of(), next);
            assertThat(done.statusCode()).isEqualTo(302);
            assertThat(LoginClient.location(done)).as(next).isEqualTo(base + "/hub/home");
        }
        HttpResponse<String> page = new LoginClient().get(base + "/hub/login?next="
                + URLEncoder.encode("https://evil.example/", StandardCharsets.UTF_8));
        assertThat(page.body()).doesNotContain("evil.example").contains("id=\"oauth-login\"");
    }

    @Test
    void aCookieAuthenticatedPostWithoutTheXsrfTokenIsForbidden() throws Exception {
        LoginClient alice = new LoginClient();
        assertThat(signIn(alice, "alice", List.of(), "/hub/home").statusCode()).isEqualTo(302);
        HttpResponse<String> form = alice.post(base + "/hub/spawn", "profile=small", null);
        assertThat(form.statusCode()).isEqualTo(403);
        assertThat(form.body()).contains("_xsrf");
        HttpResponse<String> api = alice.post(base + "/hub/api/users/alice/server", "", null);
        assertThat(api.statusCode()).isEqualTo(403);
        assertThat(adminGet("/hub/api/users/alice").path("servers").size()).isZero();

        Matcher xsrf = XSRF.matcher(alice.get(base + "/hub/spawn").body());
        assertThat(xsrf.find()).as("the spawn form carries the token").isTrue();
        HttpResponse<String> wrong = alice.post(base + "/hub/spawn", "profile=small&_xsrf=0" + xsrf.group(1), null);
        assertThat(wrong.statusCode()).isEqualTo(403);
    }

    @Test
    void theProvidersErrorIsShownWithARetryLink() throws Exception {
        LoginClient alice = new LoginClient();
        HttpResponse<String> login = alice.get(base + "/hub/oauth_login?next=/hub/spawn");
        String state = query(LoginClient.location(login), "state");
        HttpResponse<String> refused = alice.get(base + "/hub/oauth_callback?error=access_denied"
                + "&error_description=The+user+said+no&state=" + state);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("access_denied").contains("The user said no")
                .contains("href=\"/hub/login?next=%2Fhub%2Fspawn\"");

        HttpResponse<String> crafted = new LoginClient().get(base + "/hub/oauth_callback?error=access_denied"
                + "&error_description=Call+0800+now&state=whatever");
        assertThat(crafted.statusCode()).isEqualTo(403);
        assertThat(crafted.body()).doesNotContain("0800").contains("did not sign you in");
    }

    @Test
    void logoutClearsTheHubsAndServersCookiesAndEndsTheProviderSession() throws Exception {
        LoginClient alice = new LoginClient();
        assertThat(signIn(alice, "alice", List.of(), "/hub/home").statusCode()).isEqualTo(302);
        HttpResponse<String> out = alice.logout(base);
        assertThat(out.statusCode()).isEqualTo(302);
        String to = LoginClient.location(out);
        assertThat(to).startsWith(issuer + "/endsession").contains("id_token_hint=")
                .contains("post_logout_redirect_uri=" + URLEncoder.encode(base + "/hub/login", StandardCharsets.UTF_8))
                .contains("client_id=" + CLIENT_ID);
        assertThat(out.headers().allValues("Set-Cookie"))
                .anySatisfy(c -> assertThat(c).startsWith("nbhub-session=").contains("Max-Age=0"))
                .anySatisfy(c -> assertThat(c).startsWith("jupyterhub-user-alice=").contains("Path=/user/alice/"));
        assertThat(JSON.readTree(alice.get(base + "/hub/api/user").body()).path("status").asInt()).isEqualTo(403);
    }

    @Test
    void eachBrowserLogsOutWithTheIdTokenOfItsOwnSession() throws Exception {
        LoginClient laptop = new LoginClient();
        LoginClient phone = new LoginClient();
        assertThat(signIn(laptop, "alice", List.of(), "/hub/home").statusCode()).isEqualTo(302);
        assertThat(signIn(phone, "alice", List.of(), "/hub/home").statusCode()).isEqualTo(302);

        String laptopHint = query(LoginClient.location(laptop.logout(base)), "id_token_hint");
        String phoneHint = query(LoginClient.location(phone.logout(base)), "id_token_hint");

        assertThat(laptopHint).isNotEmpty().isNotEqualTo(phoneHint);
        assertThat(phoneHint).isNotEmpty();
    }

    @Test
    void providerTokensAreEncryptedAtRest() throws Exception {
        LoginClient frank = new LoginClient();
        assertThat(signIn(frank, "alice", List.of(), "/hub/home").statusCode()).isEqualTo(302);
        try (H2HubStore store = H2HubStore.open(temp.resolve("main"))) {
            assertThat(store.sessions("alice")).isNotEmpty().allSatisfy(session -> {
                String asText = new String(java.util.Base64.getDecoder().decode(session.authState()),
                        StandardCharsets.ISO_8859_1);
                assertThat(asText).doesNotContain("eyJ").doesNotContain("access_token");
            });
        }
    }

    @Test
    void aSpawnGetsTheProvidersTokensAsEnvironmentVariables() throws Exception {
        LoginClient gina = new LoginClient();
        assertThat(signIn(gina, "gina", List.of("gpu-users"), "/hub/home").statusCode()).isEqualTo(302);
        HttpResponse<String> spawn = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(base + "/hub/api/users/gina/server")).header("Authorization", "token " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(spawn.statusCode()).as(spawn.body()).isIn(201, 202, 400, 500);
        Path envFile = temp.resolve("main").resolve("users").resolve("gina").resolve("spawn.env");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(envFile)
                && Files.readString(envFile).contains("OAUTH_PROVIDER="));
        String env = Files.readString(envFile);
        assertThat(env).containsPattern("(?m)^OAUTH_ACCESS_TOKEN=eyJ[\\w-]+\\.")
                .containsPattern("(?m)^OAUTH_ID_TOKEN=eyJ").contains("OAUTH_PROVIDER=oidc")
                .containsPattern("(?m)^OAUTH_ACCESS_TOKEN_EXPIRES_AT=\\d+$").contains("JUPYTERHUB_USER=gina")
                .doesNotContain("refresh");
    }

    @Test
    void aProviderThatIsDownGetsAClearErrorPageAndNoStackTrace() throws Exception {
        int closed = freePort();
        HubApp down = startHub("down", Map.of("issuer_url", "http://127.0.0.1:" + closed + "/realms/x",
                "allow_all", true));
        try {
            HttpResponse<String> r = new LoginClient().get("http://127.0.0.1:" + down.proxyPort()
                    + "/hub/oauth_login?next=/hub/spawn");
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("cannot be reached").contains("id=\"login-retry\"")
                    .doesNotContain("at io.").doesNotContain("Exception");
        } finally {
            down.close();
        }
    }

    @Test
    void theUserModelCarriesTheDecryptedAuthStateOnlyForCallersHoldingAdminAuthState() throws Exception {
        LoginClient hana = new LoginClient();
        assertThat(signIn(hana, "hana", List.of("gpu-users"), "/hub/home").statusCode()).isEqualTo(302);

        JsonNode model = adminGet("/hub/api/users/hana");
        JsonNode state = model.path("auth_state");
        assertThat(state.isObject()).as(model.toString()).isTrue();
        assertThat(state.path("access_token").asText()).startsWith("eyJ");
        assertThat(state.path("id_token").asText()).startsWith("eyJ");
        assertThat(state.path("provider").asText()).isEqualTo("oidc");
        // As JupyterHub: listings carry the placeholder only.
        JsonNode listed = null;
        for (JsonNode u : adminGet("/hub/api/users?name_filter=hana")) {
            listed = u;
        }
        assertThat(listed).isNotNull();
        assertThat(listed.has("auth_state")).isTrue();
        assertThat(listed.path("auth_state").isNull()).isTrue();

        // A user with no provider tokens: null, not missing.
        HttpClient http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(URI.create(base + "/hub/api/users/ivo")).header("Authorization", "token "
                + ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode ivo = adminGet("/hub/api/users/ivo");
        assertThat(ivo.has("auth_state")).isTrue();
        assertThat(ivo.path("auth_state").isNull()).isTrue();

        // hana may read her own model, but not her provider tokens: she lacks admin:auth_state.
        HttpResponse<String> own = hana.get(base + "/hub/api/users/hana");
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(own.body()).has("auth_state")).isFalse();
        assertThat(own.body()).doesNotContain(state.path("access_token").asText());
    }

    static String query(String url, String name) {
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        throw new AssertionError(name + " not in " + url);
    }
}
