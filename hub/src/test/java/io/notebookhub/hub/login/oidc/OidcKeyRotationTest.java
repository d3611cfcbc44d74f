package io.notebookhub.hub.login.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.notebookhub.hub.HubApp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A provider that rotates its signing keys. mock-oauth2-server signs every token of an issuer with one key whose key id
 * is the issuer's name, so it cannot move to a key with a new id under the same issuer. The provider is therefore
 * reached through a front that passes everything on (the provider builds its URLs from the Host header, so the issuer
 * is the front's address) and, when told, signs the provider's ID token again, same claims, with another key, and
 * adds that key to the provider's key set: what a provider does when it rotates keys.
 */
class OidcKeyRotationTest {
    private static final String CLIENT_ID = "notebook-hub";
    private static final String ADMIN_TOKEN = "oidc-rotation-admin-token-0123456";

    @TempDir
    static Path temp;
    static MockOAuth2Server provider;
    static Vertx vertx;
    static HttpServer front;
    static String issuer;
    static RSAKey rotatedKey;
    static RSAKey unpublishedKey;
    static final AtomicReference<RSAKey> signIdTokensWith = new AtomicReference<>();
    static final AtomicReference<Map<String, Object>> changedClaims = new AtomicReference<>(Map.of());
    static final AtomicBoolean publishRotatedKey = new AtomicBoolean();
    static final AtomicInteger keyFetches = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        provider = new MockOAuth2Server(new OAuth2Config(true, null, null, false, new OAuth2TokenProvider(),
                Set.of(new DefaultOAuth2TokenCallback("default", "unused", "JWT", List.of(CLIENT_ID), Map.of(), 3600)),
                new MockWebServerWrapper()));
        provider.start(InetAddress.getByName("127.0.0.1"), 0);
        rotatedKey = new RSAKeyGenerator(2048).keyID("rotated-key").keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256).generate();
        unpublishedKey = new RSAKeyGenerator(2048).keyID("never-published").keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256).generate();
        vertx = Vertx.vertx();
        front = startFront(provider.baseUrl().port());
        issuer = "http://127.0.0.1:" + front.actualPort() + "/default";
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        if (provider != null) {
            provider.shutdown();
        }
    }

    @BeforeEach
    void providerSignsWithItsOwnKey() {
        signIdTokensWith.set(null);
        changedClaims.set(Map.of());
        publishRotatedKey.set(false);
    }

    @Test
    void theFirstLoginAfterTheProviderRotatedItsKeysSucceeds() throws Exception {
        HubApp hub = startHub("rotation");
        try {
            String base = "http://127.0.0.1:" + hub.proxyPort();
            assertThat(signIn(base, "alice").statusCode()).as("before the rotation").isEqualTo(302);

            publishRotatedKey.set(true);
            signIdTokensWith.set(rotatedKey);
            int before = keyFetches.get();
            LoginClient bob = new LoginClient();
            HttpResponse<String> done = signIn(bob, base, "bob");
            assertThat(done.statusCode()).as(done.body()).isEqualTo(302);
            assertThat(new ObjectMapper().readTree(bob.get(base + "/hub/api/user").body()).path("name").asText())
                    .isEqualTo("bob");
            assertThat(keyFetches.get() - before).as("key fetches for the login after the rotation").isEqualTo(1);

            assertThat(signIn(base, "alice").statusCode()).as("the next login, with the keys known").isEqualTo(302);
            assertThat(keyFetches.get() - before).isEqualTo(1);
        } finally {
            hub.close();
        }
    }

    @Test
    void aTokenSignedWithAKeyTheProviderDoesNotPublishIsRefusedAfterOneKeyFetch() throws Exception {
        HubApp hub = startHub("unpublished");
        try {
            String base = "http://127.0.0.1:" + hub.proxyPort();
            assertThat(signIn(base, "alice").statusCode()).isEqualTo(302);

            signIdTokensWith.set(unpublishedKey);
            int before = keyFetches.get();
            LoginClient mallory = new LoginClient();
            HttpResponse<String> done = signIn(mallory, base, "alice");
            assertThat(done.statusCode()).isEqualTo(403);
            assertThat(done.body()).contains("signed with a key").contains("does not publish (yet)");
            assertThat(mallory.cookie("nbhub-session")).isNull();
            assertThat(keyFetches.get() - before).isEqualTo(1);

            // More tokens with unknown keys right away: refused without fetching the keys again each time.
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> again = signIn(new LoginClient(), base, "alice");
                assertThat(again.statusCode()).isEqualTo(403);
                assertThat(again.body()).contains("does not publish (yet)");
            }
            assertThat(keyFetches.get() - before).isEqualTo(1);
        } finally {
            hub.close();
        }
    }

    @ParameterizedTest
    @CsvSource({
        "aud, another-client, could not be verified",
        "iss, http://127.0.0.1:1/elsewhere, could not be verified",
        "nonce, not-this-sign-in, nonce this sign-in started with",
        "azp, another-client, another client",
    })
    void aTokenCheckedAgainAfterTheKeyFetchMustStillBeForThisClientIssuerAndSignIn(String claim, String value,
                                                                                  String refusal) throws Exception {
        HubApp hub = startHub("recheck-" + claim);
        try {
            String base = "http://127.0.0.1:" + hub.proxyPort();
            assertThat(signIn(base, "alice").statusCode()).isEqualTo(302);

            publishRotatedKey.set(true);
            signIdTokensWith.set(rotatedKey);
            changedClaims.set(Map.of(claim, value));
            int before = keyFetches.get();
            HttpResponse<String> done = signIn(base, "alice");
            assertThat(done.statusCode()).isEqualTo(403);
            assertThat(done.body()).contains(refusal);
            assertThat(keyFetches.get() - before).isEqualTo(1);

            changedClaims.set(Map.of());
            assertThat(signIn(base, "alice").statusCode()).as("the same key with the right claims").isEqualTo(302);
        } finally {
            hub.close();
        }
    }

    static HubApp startHub(String name) throws Exception {
        return InProcessHub.start(temp, name, Map.of("type", "oidc", "client_id", CLIENT_ID, "issuer_url", issuer,
                "allowed_users", List.of("alice", "bob")), ADMIN_TOKEN);
    }

    static HttpResponse<String> signIn(String base, String username) throws Exception {
        return signIn(new LoginClient(), base, username);
    }

    /** The hub's login start, the provider's form answered as {@code username}, then the hub's callback. */
    static HttpResponse<String> signIn(LoginClient browser, String base, String username) throws Exception {
        HttpResponse<String> login = browser.get(base + "/hub/oauth_login?next=%2Fhub%2Fhome");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
        String authorize = LoginClient.location(login);
        assertThat(authorize).startsWith(issuer + "/authorize");
        String claims = new JsonObject().put("preferred_username", username).encode();
        HttpResponse<String> answered = browser.post(authorize, "username=sub-" + username + "&claims="
                + URLEncoder.encode(claims, StandardCharsets.UTF_8), null);
        return browser.get(LoginClient.location(answered));
    }

    /** Passes every request on to the provider with its Host header; counts key fetches; signs ID tokens when told. */
    static HttpServer startFront(int providerPort) throws Exception {
        WebClient web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
        return vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            var forward = web.request(req.method(), providerPort, "127.0.0.1", req.uri());
            req.headers().forEach(h -> {
                if (!h.getKey().equalsIgnoreCase("Content-Length")) {
                    forward.putHeader(h.getKey(), h.getValue());
                }
            });
            boolean keys = req.path().endsWith("/jwks");
            if (keys) {
                keyFetches.incrementAndGet();
            }
            (req.method() == HttpMethod.GET ? forward.send() : forward.sendBuffer(body)).onComplete(ar -> {
                if (ar.failed()) {
                    req.response().setStatusCode(502).end();
                    return;
                }
                var answer = ar.result();
                req.response().setStatusCode(answer.statusCode());
                answer.headers().forEach(h -> {
                    if (!h.getKey().equalsIgnoreCase("Content-Length")
                            && !h.getKey().equalsIgnoreCase("Transfer-Encoding")) {
                        req.response().putHeader(h.getKey(), h.getValue());
                    }
                });
                String text = answer.bodyAsString();
                if (keys && publishRotatedKey.get()) {
                    JsonObject set = new JsonObject(text);
                    set.getJsonArray("keys").add(new JsonObject(rotatedKey.toPublicJWK().toJSONObject()));
                    text = set.encode();
                } else if (req.path().endsWith("/token") && answer.statusCode() == 200
                        && signIdTokensWith.get() != null) {
                    JsonObject tokens = new JsonObject(text);
                    tokens.put("id_token", signAgain(tokens.getString("id_token"), signIdTokensWith.get()));
                    text = tokens.encode();
                }
                req.response().end(text == null ? "" : text);
            });
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static String signAgain(String idToken, RSAKey key) {
        try {
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder(SignedJWT.parse(idToken).getJWTClaimsSet());
            changedClaims.get().forEach(claims::claim);
            SignedJWT signed = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims.build());
            signed.sign(new RSASSASigner(key));
            return signed.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
