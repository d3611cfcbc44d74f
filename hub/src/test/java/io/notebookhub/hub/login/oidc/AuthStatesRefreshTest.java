package io.notebookhub.hub.login.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.config.HubConfig;
import io.notebookhub.hub.store.H2HubStore;
import io.notebookhub.hub.store.SessionRecord;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Provider tokens before a spawn: refreshed when about to expire, kept encrypted, passed on as variables. */
class AuthStatesRefreshTest {
    private static final String CLIENT_ID = "notebook-hub";

    MockOAuth2Server provider;
    Vertx vertx;
    H2HubStore store;
    ProviderClient client;
    ProviderSettings settings;
    final MutableClock clock = new MutableClock(Instant.now());

    @BeforeEach
    void start() throws Exception {
        provider = new MockOAuth2Server(new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(),
                Set.of(new DefaultOAuth2TokenCallback("default", "alice", "JWT", List.of(CLIENT_ID),
                        Map.of("preferred_username", "alice"), 3600)), new MockWebServerWrapper()));
        provider.start(InetAddress.getByName("127.0.0.1"), 0);
        vertx = Vertx.vertx();
        store = H2HubStore.open("jdbc:h2:mem:refresh-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        store.ensureUser("alice", false, Instant.now());
        HubConfig.Auth auth = HubConfig.load(null, Map.of("NBHUB_AUTH_TYPE", "oidc", "NBHUB_AUTH_CLIENT_ID", CLIENT_ID,
                "NBHUB_AUTH_ISSUER_URL", "http://127.0.0.1:" + provider.baseUrl().port() + "/default")).auth();
        settings = ProviderSettings.from(auth);
        client = new ProviderClient(vertx, settings, CLIENT_ID, "secret");
    }

    @AfterEach
    void stop() throws Exception {
        store.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        provider.shutdown();
    }

    AuthStates states(boolean passToServer) {
        return new AuthStates(vertx, store, new Sealer(new byte[32], "auth-state"), client, settings, passToServer,
                clock);
    }

    /** A real code exchange with the provider, as a login would do it. */
    JsonObject tokens() throws Exception {
        OAuth2Auth auth = client.provider().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        String redirect = "http://127.0.0.1:9/hub/oauth_callback";
        String verifier = "a-verifier-that-is-long-enough-for-pkce-0123456789";
        String authorize = auth.authorizeURL(new OAuth2AuthorizationURL().setRedirectUri(redirect)
                .setScopes(List.of("openid")).setState("s")
                .setCodeChallenge(OidcAuthenticator.challenge(verifier)).setCodeChallengeMethod("S256"));
        HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(authorize)).build(),
                HttpResponse.BodyHandlers.discarding());
        String location = r.headers().firstValue("Location").orElseThrow();
        String code = OidcLoginTest.query(location, "code");
        return auth.authenticate(new Oauth2Credentials().setFlow(OAuth2FlowType.AUTH_CODE).setCode(code)
                .setRedirectUri(redirect).setCodeVerifier(verifier)).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS).principal();
    }

    /** A browser session of alice's holding these tokens, as a login leaves it; returns its id. */
    String session(AuthStates states, JsonObject tokens, Instant created) {
        String id = "session-" + System.nanoTime();
        store.createSession(new SessionRecord(id, "alice", created, created.plus(Duration.ofDays(14)),
                states.seal(states.fromTokens(tokens, null))));
        return id;
    }

    Map<String, String> environment(AuthStates states) throws Exception {
        return states.environment("alice").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void freshTokensArePassedToTheServerAsTheyAre() throws Exception {
        AuthStates states = states(true);
        JsonObject tokens = tokens();
        String id = session(states, tokens, clock.instant());
        Map<String, String> env = environment(states);
        assertThat(env).containsEntry("OAUTH_ACCESS_TOKEN", tokens.getString("access_token"))
                .containsEntry("OAUTH_ID_TOKEN", tokens.getString("id_token"))
                .containsEntry("OAUTH_PROVIDER", "oidc").containsKey("OAUTH_ACCESS_TOKEN_EXPIRES_AT");
        assertThat(env).doesNotContainKey("OAUTH_REFRESH_TOKEN");
        assertThat(new String(java.util.Base64.getDecoder().decode(store.session(id).orElseThrow().authState()),
                StandardCharsets.ISO_8859_1)).doesNotContain(tokens.getString("access_token").substring(0, 20));
    }

    @Test
    void expiringTokensAreRefreshedBeforeTheSpawnAndStored() throws Exception {
        AuthStates states = states(true);
        JsonObject tokens = tokens();
        String id = session(states, tokens, clock.instant());
        clock.advance(Duration.ofMinutes(58));
        Map<String, String> env = environment(states);
        assertThat(env.get("OAUTH_ACCESS_TOKEN")).isNotBlank().isNotEqualTo(tokens.getString("access_token"));
        JsonObject stored = states.loadSession(id).orElseThrow();
        assertThat(stored.getString("access_token")).isEqualTo(env.get("OAUTH_ACCESS_TOKEN"));
        assertThat(stored.getLong("expires_at")).isGreaterThan(clock.instant().getEpochSecond() + 600);
        assertThat(stored.getString("refresh_token")).isNotBlank();
    }

    @Test
    void expiredTokensThatCannotBeRefreshedFailTheSpawnWithAClearMessage() throws Exception {
        AuthStates states = states(true);
        JsonObject tokens = tokens();
        tokens.remove("refresh_token");
        session(states, tokens, clock.instant());
        clock.advance(Duration.ofHours(2));
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> environment(states));
        assertThat(e.getCause().getMessage()).contains("log out and sign in again");

        AuthStates notPassed = states(false);
        assertThat(environment(notPassed)).as("the hub itself does not need the tokens").isEmpty();
    }

    @Test
    void theNewestSessionsTokensAreUsedAndAnOlderSessionsAreLeftAlone() throws Exception {
        AuthStates states = states(true);
        JsonObject older = tokens();
        JsonObject newer = tokens();
        String olderId = session(states, older, clock.instant().minus(Duration.ofMinutes(5)));
        session(states, newer, clock.instant());

        assertThat(environment(states)).containsEntry("OAUTH_ACCESS_TOKEN", newer.getString("access_token"));
        assertThat(states.loadSession(olderId).orElseThrow().getString("refresh_token"))
                .isEqualTo(older.getString("refresh_token"));
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
