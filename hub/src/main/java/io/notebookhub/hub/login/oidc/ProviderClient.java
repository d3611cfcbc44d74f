package io.notebookhub.hub.login.oidc;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider as Vert.x OAuth2 sees it, set up on first use (discovery for OIDC) and set up again after a
 * failure, so a provider that is down at start-up or for a while does not need a hub restart. Also the group
 * look-ups Vert.x lacks: GitHub organisations and teams, GitLab groups.
 */
final class ProviderClient {
    private static final Logger log = LoggerFactory.getLogger(ProviderClient.class);
    /** Clock skew tolerated between the hub and the provider, in seconds. */
    static final int LEEWAY_SECONDS = 120;
    /** Fewest seconds between two key fetches asked for by logins, so tokens with made-up key ids cannot make the hub
     * fetch keys in a loop. */
    static final long KEY_REFRESH_INTERVAL_SECONDS = 10;

    private final Vertx vertx;
    private final ProviderSettings settings;
    private final String clientId;
    private final String clientSecret;
    private final WebClient web;
    private Future<OAuth2Auth> provider;
    private volatile String endSessionUrl;
    private Future<Void> keyRefresh;
    /** Checks an ID token on the provider's keys alone (no user-info call as a fallback); its keys come with a refresh. */
    private volatile OAuth2Auth keyVerifier;
    private long keyRefreshStarted;

    ProviderClient(Vertx vertx, ProviderSettings settings, String clientId, String clientSecret) {
        this.vertx = vertx;
        this.settings = settings;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.web = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(10_000)
                .setUserAgent("notebook-hub").setFollowRedirects(false));
    }

    /** The provider, discovering it if this is the first use or the last attempt failed. */
    synchronized Future<OAuth2Auth> provider() {
        if (provider == null || provider.failed()) {
            provider = load();
        }
        return provider;
    }

    /**
     * Fetches the provider's keys again after a login met a key id the hub does not know (the provider rotated its
     * keys). Logins at the same time share one fetch, and a fetch starts at most every
     * {@link #KEY_REFRESH_INTERVAL_SECONDS}; otherwise the keys stay as they are. Never fails: with the keys unchanged
     * the login is refused for its unknown key.
     */
    synchronized Future<Void> refreshKeys(OAuth2Auth auth) {
        if (keyRefresh != null && !keyRefresh.isComplete()) {
            return keyRefresh;
        }
        long now = System.nanoTime();
        if (keyRefresh != null && now - keyRefreshStarted < KEY_REFRESH_INTERVAL_SECONDS * 1_000_000_000L) {
            // Debug only: a flood of tokens with made-up key ids must not flood the log either.
            log.debug("not fetching {}'s keys again: they were fetched less than {} s ago", settings.displayName(),
                    KEY_REFRESH_INTERVAL_SECONDS);
            return Future.succeededFuture();
        }
        keyRefreshStarted = now;
        log.info("an ID token names a key the hub does not know: fetching {}'s keys again", settings.displayName());
        // Only the key verifier's keys: ID tokens with a key id the first instance lacks are checked there.
        keyRefresh = keyVerifier.jWKSet()
                .recover(e -> {
                    log.warn("cannot refresh {}'s keys: {}", settings.displayName(), e.getMessage());
                    return Future.succeededFuture();
                });
        return keyRefresh;
    }

    /** Checks ID tokens on the provider's keys as last fetched ({@link #refreshKeys}); null before discovery. */
    OAuth2Auth keyVerifier() {
        return keyVerifier;
    }

    /** The provider's end-session endpoint, known after discovery; null when it has none. */
    String endSessionUrl() {
        return endSessionUrl;
    }

    private Future<OAuth2Auth> load() {
        OAuth2Options options = new OAuth2Options()
                .setClientId(clientId)
                .setClientSecret(clientSecret.isEmpty() ? null : clientSecret)
                .setUserAgent("notebook-hub")
                .setHttpClientOptions(new HttpClientOptions().setConnectTimeout(10_000))
                .setJWTOptions(new JWTOptions().setLeeway(LEEWAY_SECONDS));
        if (!settings.oidc()) {
            URI authorize = URI.create(settings.authorizeUrl());
            options.setSite(authorize.getScheme() + "://" + authorize.getRawAuthority())
                    .setAuthorizationPath(settings.authorizeUrl())
                    .setTokenPath(settings.tokenUrl())
                    .setUserInfoPath(settings.userinfoUrl())
                    .setHeaders(new JsonObject().put("Accept", "application/json"));
            return Future.succeededFuture(OAuth2Auth.create(vertx, options));
        }
        options.setSite(settings.issuer()).setValidateIssuer(settings.validateIssuer());
        // Discovery fills the endpoints into the options it is given; explicit endpoints then replace them.
        return OpenIDConnectAuth.discover(vertx, options).compose(discovered -> {
            endSessionUrl = options.getLogoutPath();
            // The hub never introspects tokens; without an introspection endpoint, an ID token checked again after
            // a key fetch (IdTokens) is judged on the provider's keys alone.
            boolean rebuild = options.getIntrospectionPath() != null;
            options.setIntrospectionPath(null);
            if (!settings.authorizeUrl().isEmpty()) {
                options.setAuthorizationPath(settings.authorizeUrl());
                rebuild = true;
            }
            if (!settings.tokenUrl().isEmpty()) {
                options.setTokenPath(settings.tokenUrl());
                rebuild = true;
            }
            if (!settings.userinfoUrl().isEmpty()) {
                options.setUserInfoPath(settings.userinfoUrl());
                rebuild = true;
            }
            if (!rebuild) {
                return Future.succeededFuture(discovered);
            }
            // The discovered instance is replaced: its key-refresh timer (if the keys came with a max-age) must stop.
            discovered.close();
            OAuth2Auth auth = OAuth2Auth.create(vertx, options);
            return auth.jWKSet().map(auth);
        }).compose(auth -> {
            // Vert.x 5 checks a bearer token it cannot verify with its keys at the user-info endpoint instead; an ID
            // token whose key id the first instance lacks (IdTokens) must be judged on the keys alone, so by an
            // instance without that endpoint, which holds the keys as last fetched.
            keyVerifier = OAuth2Auth.create(vertx, new OAuth2Options(options).setUserInfoPath(null)
                    .setIntrospectionPath(null));
            return keyVerifier.jWKSet().map(auth);
        }).map(auth -> {
            // No missingKeyHandler: a login that meets an unknown key id fetches the keys itself (refreshKeys).
            log.info("identity provider {} ready ({})", settings.displayName(), settings.issuer().isEmpty()
                    ? settings.authorizeUrl() : settings.issuer());
            return auth;
        }).onFailure(e -> log.warn("identity provider {} is not reachable or not usable: {}",
                settings.displayName(), e.getMessage()));
    }

    /** GitHub's user object ({@code login}, {@code id}, ...). */
    Future<JsonObject> githubUser(String accessToken) {
        return getJson(settings.userinfoUrl(), accessToken).map(body -> (JsonObject) body);
    }

    /** GitHub organisations as {@code org} and teams as {@code org:team}. */
    Future<Set<String>> githubGroups(String accessToken) {
        Future<Object> orgs = getJson(settings.apiUrl() + "/user/orgs?per_page=100", accessToken);
        Future<Object> teams = getJson(settings.apiUrl() + "/user/teams?per_page=100", accessToken);
        return Future.all(orgs, teams).map(all -> {
            Set<String> groups = new LinkedHashSet<>();
            for (Object o : (JsonArray) orgs.result()) {
                groups.add(((JsonObject) o).getString("login"));
            }
            for (Object o : (JsonArray) teams.result()) {
                JsonObject team = (JsonObject) o;
                groups.add(team.getJsonObject("organization", new JsonObject()).getString("login") + ":"
                        + team.getString("slug"));
            }
            return groups;
        });
    }

    /** GitLab groups (full paths, e.g. {@code data/analysts}) the user is at least a guest of. */
    Future<Set<String>> gitlabGroups(String accessToken) {
        return getJson(settings.apiUrl() + "/api/v4/groups?min_access_level=10&per_page=100", accessToken)
                .map(body -> {
                    Set<String> groups = new LinkedHashSet<>();
                    for (Object o : (JsonArray) body) {
                        groups.add(((JsonObject) o).getString("full_path"));
                    }
                    return groups;
                });
    }

    private Future<Object> getJson(String url, String accessToken) {
        return web.getAbs(url).putHeader("Authorization", "Bearer " + accessToken)
                .putHeader("Accept", "application/json").timeout(15_000).send()
                .compose(r -> r.statusCode() == 200 ? Future.succeededFuture(json(r))
                        : Future.failedFuture(new ProviderUnavailable("GET " + url + " answered " + r.statusCode())));
    }

    private static Object json(HttpResponse<?> r) {
        String body = r.bodyAsString();
        return body.strip().startsWith("[") ? new JsonArray(body) : new JsonObject(body);
    }

    /** The provider answered, but not as it should; or did not answer. */
    static final class ProviderUnavailable extends RuntimeException {
        ProviderUnavailable(String message) {
            super(message);
        }
    }

    /** A principal Vert.x can refresh: only the token response fields matter. */
    static User userFrom(JsonObject authState) {
        JsonObject principal = new JsonObject();
        for (String key : new String[] {"access_token", "refresh_token", "id_token", "token_type", "scope"}) {
            if (authState.getString(key) != null) {
                principal.put(key, authState.getString(key));
            }
        }
        return User.create(principal);
    }

    void close() {
        web.close();
    }
}
