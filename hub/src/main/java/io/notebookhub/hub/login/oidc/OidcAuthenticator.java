package io.notebookhub.hub.login.oidc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.notebookhub.config.ConfigException;
import io.notebookhub.hub.auth.TokenHashing;
import io.notebookhub.hub.config.HubConfig;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.login.AuthenticatedUser;
import io.notebookhub.hub.login.Authenticator;
import io.notebookhub.hub.paths.UrlPaths;
import io.notebookhub.hub.servers.SpawnEnvironmentHook;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.users.Users;
import io.notebookhub.hub.web.Templates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Login through an OAuth 2 / OpenID Connect provider (generic OIDC, Keycloak, Google, Microsoft Entra ID,
 * GitLab, GitHub): authorization code with PKCE, state bound to the browser by a sealed cookie, nonce and ID
 * token checked for OIDC, then the hub's allow/block/admin rules. Vert.x Auth OAuth2 does discovery, the token
 * exchange, the ID token's signature, audience and issuer, refresh and the end-session URL; this class adds what
 * it leaves out (state cookie, nonce and ID token expiry and a key fetch after a key rotation in {@link IdTokens},
 * group look-ups, error pages, encrypted auth_state).
 */
public final class OidcAuthenticator implements Authenticator {
    private static final Logger log = LoggerFactory.getLogger(OidcAuthenticator.class);
    public static final String STATE_COOKIE = "nbhub-oauth-state";
    private static final Duration STATE_LIFETIME = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ProviderSettings settings;
    private final ProviderClient client;
    private final LoginPolicy policy;
    private final AuthStates authStates;
    private final Sealer stateSealer;
    private final Users users;
    private final Clock clock;
    private final String callbackUrl;
    private final String logoutUrl;
    private final boolean endProviderSession;
    private final boolean autoLogin;
    private final String clientId;
    private final IdTokens idTokens;
    private final Cache<String, Boolean> usedStates = Caffeine.newBuilder()
            .expireAfterWrite(STATE_LIFETIME.plusMinutes(5)).maximumSize(100_000).build();

    private OidcAuthenticator(ProviderSettings settings, ProviderClient client, LoginPolicy policy,
                              AuthStates authStates, Sealer stateSealer, Users users, Clock clock, String callbackUrl,
                              HubConfig.Auth auth) {
        this.settings = settings;
        this.client = client;
        this.policy = policy;
        this.authStates = authStates;
        this.stateSealer = stateSealer;
        this.users = users;
        this.clock = clock;
        this.callbackUrl = callbackUrl;
        this.logoutUrl = auth.logoutUrl();
        this.endProviderSession = auth.endProviderSession();
        this.autoLogin = auth.autoLogin();
        this.clientId = auth.clientId();
        this.idTokens = new IdTokens(settings.displayName(), auth.clientId(), client, clock);
    }

    /**
     * Builds the authenticator for a provider {@code auth.type}. Blocking (reads the client secret file and the
     * auth_state key); the provider itself is contacted only at the first login, so a provider that is down does
     * not stop the hub from starting.
     *
     * @param publicUrl {@code hub.public_url}, for the default callback URL; may be empty
     * @param cookieSecret the hub's cookie secret; the login state cookie is sealed with a key derived from it
     * @param hubAdmins {@code hub.admin_users}, who are always allowed to log in
     */
    public static OidcAuthenticator create(Vertx vertx, HubConfig.Auth auth, String publicUrl, Users users,
                                           HubStore store, byte[] cookieSecret, Set<String> hubAdmins, Clock clock) {
        ProviderSettings settings = ProviderSettings.from(auth);
        String secret = clientSecret(auth);
        ProviderClient client = new ProviderClient(vertx, settings, auth.clientId(), secret);
        List<String> allowedGroups = new ArrayList<>(auth.allowedGroups());
        if (settings.groupSource() == ProviderSettings.GroupSource.GITHUB && !auth.githubOrg().isEmpty()) {
            // auth.github_org: members of this organisation may log in (its GitHub group is the org's login).
            allowedGroups.add(auth.githubOrg());
        }
        LoginPolicy policy = new LoginPolicy(auth.allowAll(), auth.allowedUsers(), allowedGroups,
                auth.blockedUsers(), auth.adminUsers(), auth.adminGroups(), hubAdmins, auth.stripDomain())
                .allowDomains(auth.allowedDomains());
        byte[] cryptKey = HexFormat.of().parseHex(auth.cryptKey().isEmpty()
                ? store.secret("auth_state_key", TokenHashing::newToken) : auth.cryptKey());
        AuthStates states = new AuthStates(vertx, store, new Sealer(cryptKey, "auth-state"), client, settings,
                auth.passAuthStateToServer(), clock);
        String callback = !auth.callbackUrl().isEmpty() ? auth.callbackUrl()
                : publicUrl.isEmpty() ? "" : ProviderSettings.strip(publicUrl) + "/hub/oauth_callback";
        log.info("logins through {} ({}), callback {}", settings.displayName(), settings.type(),
                callback.isEmpty() ? "from each request's Host" : callback);
        return new OidcAuthenticator(settings, client, policy, states, new Sealer(cookieSecret, "oauth-state"),
                users, clock, callback, auth);
    }

    /** The client secret from {@code NBHUB_AUTH_CLIENT_SECRET} (or the file's key), else from the secret file. */
    static String clientSecret(HubConfig.Auth auth) {
        if (!auth.clientSecret().isEmpty()) {
            return auth.clientSecret();
        }
        if (auth.clientSecretFile().isEmpty()) {
            return "";
        }
        try {
            return Files.readString(Path.of(auth.clientSecretFile())).strip();
        } catch (IOException e) {
            throw new ConfigException("'auth.client_secret_file' " + auth.clientSecretFile() + " cannot be read: "
                    + e.getMessage());
        }
    }

    /** Seals a login's provider tokens for the session it starts (they are kept per session, not per user). */
    @Override
    public String sealAuthState(AuthenticatedUser who) {
        return who.authState() == null ? null : authStates.seal(who.authState());
    }

    /** The newest provider tokens of the user (from their newest session), for {@code admin:auth_state}. */
    @Override
    public java.util.Optional<JsonObject> authState(String user) {
        return authStates.load(user);
    }

    /** Refreshes provider tokens before a spawn and, if configured, passes them to the server. */
    @Override
    public SpawnEnvironmentHook spawnHook() {
        return authStates;
    }

    @Override
    public String id() {
        return settings.type();
    }

    @Override
    public void mount(Router router, LoginCompletion completion) {
        router.get("/hub/login").handler(this::loginPage);
        router.get("/hub/oauth_login").handler(this::startLogin);
        router.get("/hub/oauth_callback").handler(ctx -> callback(ctx, completion));
    }

    private void loginPage(RoutingContext ctx) {
        String next = UrlPaths.safeNext(ctx.request().getParam("next"), "/hub/home");
        if (RequestAuth.principal(ctx).filter(p -> p.isUser()).isPresent()) {
            ctx.redirect(next);
            return;
        }
        String start = "/hub/oauth_login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
        if (autoLogin) {
            ctx.redirect(start);
            return;
        }
        ctx.response().putHeader("Cache-Control", "no-store");
        Templates.page(ctx, 200, "login.html", Map.of("title", "Sign in", "login_url", start,
                "login_service", settings.displayName()));
    }

    private void startLogin(RoutingContext ctx) {
        String next = UrlPaths.safeNext(ctx.request().getParam("next"), "/hub/home");
        client.provider().onFailure(e -> unavailable(ctx, next, e)).onSuccess(auth -> {
            String state = random(32);
            String nonce = random(32);
            String verifier = random(48);
            String redirect = callbackUrl(ctx);
            OAuth2AuthorizationURL params = new OAuth2AuthorizationURL()
                    .setRedirectUri(redirect)
                    .setScopes(settings.scopes())
                    .setState(state)
                    .setCodeChallenge(challenge(verifier))
                    .setCodeChallengeMethod("S256");
            if (settings.oidc()) {
                params.putAdditionalParameter("nonce", nonce);
            }
            JsonObject sealed = new JsonObject().put("s", state).put("n", nonce).put("v", verifier).put("next", next)
                    .put("r", redirect).put("e", clock.instant().plus(STATE_LIFETIME).getEpochSecond());
            ctx.response().addCookie(Cookie.cookie(STATE_COOKIE, stateSealer.sealToText(sealed)).setPath("/hub/")
                    .setHttpOnly(true).setSecure(redirect.startsWith("https:")).setSameSite(CookieSameSite.LAX)
                    .setMaxAge(STATE_LIFETIME.toSeconds()));
            ctx.redirect(auth.authorizeURL(params));
        });
    }

    private void callback(RoutingContext ctx, LoginCompletion completion) {
        Cookie cookie = ctx.request().getCookie(STATE_COOKIE);
        JsonObject saved = cookie == null ? null : stateSealer.openText(cookie.getValue())
                .filter(s -> s.getLong("e", 0L) > clock.instant().getEpochSecond()).orElse(null);
        // The state cookie is good for one attempt only.
        ctx.response().addCookie(Cookie.cookie(STATE_COOKIE, "").setPath("/hub/").setMaxAge(0).setHttpOnly(true)
                .setSameSite(CookieSameSite.LAX));
        String next = saved == null ? "/hub/home" : UrlPaths.safeNext(saved.getString("next"), "/hub/home");
        String error = ctx.request().getParam("error");
        String state = ctx.request().getParam("state");
        boolean stateMatches = saved != null && state != null
                && TokenHashing.constantTimeEquals(saved.getString("s"), state);
        if (error != null) {
            String description = ctx.request().getParam("error_description");
            log.info("{} refused a sign-in: {} {}", settings.displayName(), error, description);
            // The provider's words are shown only for this browser's own sign-in, so nobody can put text of
            // their choosing on the hub's page with a crafted link.
            failed(ctx, 403, next, settings.displayName() + " did not sign you in" + (stateMatches ? ": " + error
                    + (description == null ? "" : " (" + description + ")") : "."));
            return;
        }
        if (saved == null) {
            failed(ctx, 400, next, "This sign-in cannot be completed: it was started in another browser, took "
                    + "longer than " + STATE_LIFETIME.toMinutes() + " minutes, or was already used.");
            return;
        }
        if (!stateMatches) {
            log.warn("sign-in refused: the state parameter does not match this browser's login state");
            failed(ctx, 400, next, "This sign-in cannot be completed: its state does not match the one this browser "
                    + "started with.");
            return;
        }
        if (usedStates.asMap().putIfAbsent(state, Boolean.TRUE) != null) {
            log.warn("sign-in refused: a login state was presented twice");
            failed(ctx, 400, next, "This sign-in was already used.");
            return;
        }
        String code = ctx.request().getParam("code");
        if (code == null || code.isEmpty()) {
            failed(ctx, 400, next, settings.displayName() + " returned no authorization code.");
            return;
        }
        client.provider()
                .recover(e -> Future.failedFuture(new LoginFailure(502, unreachable(e))))
                .compose(auth -> exchange(auth, code, saved)
                        .compose(user -> identify(auth, user, saved.getString("n"))))
                .onSuccess(who -> completion.complete(ctx, who, next))
                .onFailure(e -> {
                    if (e instanceof LoginFailure f) {
                        log.info("sign-in through {} refused: {}", settings.displayName(), f.getMessage());
                        failed(ctx, f.status, next, f.getMessage());
                    } else {
                        log.warn("sign-in through {} failed: {}", settings.displayName(), e.toString());
                        failed(ctx, 500, next, "The sign-in failed unexpectedly; the hub's log has the details.");
                    }
                });
    }

    private Future<User> exchange(OAuth2Auth auth, String code, JsonObject saved) {
        Oauth2Credentials credentials = new Oauth2Credentials().setFlow(OAuth2FlowType.AUTH_CODE).setCode(code)
                .setRedirectUri(saved.getString("r")).setCodeVerifier(saved.getString("v"));
        return auth.authenticate(credentials).recover(e -> {
            if (isNetwork(e)) {
                return Future.failedFuture(new LoginFailure(502, unreachable(e)));
            }
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            if (msg.contains("Signature verification failed")) {
                return Future.failedFuture(new LoginFailure(403, "The ID token's signature is not valid for "
                        + settings.displayName() + "'s keys."));
            }
            return Future.failedFuture(new LoginFailure(403, settings.displayName()
                    + " did not accept the sign-in: " + msg));
        });
    }

    /** Checks the ID token, gathers claims and groups, applies the hub's rules. */
    private Future<AuthenticatedUser> identify(OAuth2Auth auth, User user, String nonce) {
        String accessToken = user.principal().getString("access_token");
        Future<JsonObject> claims;
        if (settings.oidc()) {
            claims = idTokens.claims(auth, user).compose(idToken -> {
                idTokens.check(idToken, nonce);
                return profile(auth, user, idToken);
            });
        } else {
            claims = client.githubUser(accessToken).recover(e -> Future.failedFuture(
                    new LoginFailure(502, "Cannot read your profile from " + settings.displayName() + ": "
                            + e.getMessage())));
        }
        return claims.compose(c -> groups(c, accessToken).map(groups -> decide(c, groups, user)));
    }

    /** The ID token's claims, with the profile from the userinfo endpoint when they lack what the hub needs. */
    private Future<JsonObject> profile(OAuth2Auth auth, User user, JsonObject idToken) {
        boolean needUserinfo = claim(idToken, settings.usernameClaim()) == null
                || (settings.groupSource() == ProviderSettings.GroupSource.CLAIM && policy.usesGroups()
                && !idToken.containsKey(settings.groupsClaim()));
        return needUserinfo
                ? auth.userInfo(user).map(info -> info.copy().mergeIn(idToken)).recover(e -> Future.failedFuture(
                new LoginFailure(502, "Cannot read your profile from " + settings.displayName() + ": "
                        + e.getMessage())))
                : Future.succeededFuture(idToken);
    }

    private Future<Set<String>> groups(JsonObject claims, String accessToken) {
        Future<Set<String>> groups = switch (settings.groupSource()) {
            case CLAIM -> Future.succeededFuture(claimGroups(claims));
            case GITHUB -> policy.usesGroups() ? client.githubGroups(accessToken) : Future.succeededFuture(Set.of());
            case GITLAB -> client.gitlabGroups(accessToken);
        };
        return groups.recover(e -> Future.failedFuture(new LoginFailure(502, "Cannot read your groups from "
                + settings.displayName() + ": " + e.getMessage())));
    }

    private Set<String> claimGroups(JsonObject claims) {
        Object value = claims.getValue(settings.groupsClaim());
        Set<String> groups = new LinkedHashSet<>();
        if (value instanceof JsonArray array) {
            array.forEach(g -> {
                if (g != null) {
                    groups.add(g.toString());
                }
            });
        } else if (value instanceof String s && !s.isBlank()) {
            groups.add(s);
        }
        return groups;
    }

    private AuthenticatedUser decide(JsonObject claims, Set<String> groups, User user) {
        Object raw = claim(claims, settings.usernameClaim());
        if (raw == null) {
            throw new LoginFailure(403, settings.displayName() + " did not send the claim '"
                    + settings.usernameClaim() + "' the hub takes user names from (auth.username_claim).");
        }
        var wrongDomain = policy.domainProblem(raw.toString());
        if (wrongDomain.isPresent()) {
            throw new LoginFailure(403, "Sorry, " + wrongDomain.get() + ".");
        }
        String name = policy.normalize(raw.toString());
        var problem = LoginPolicy.nameProblem(name);
        if (problem.isPresent()) {
            throw new LoginFailure(403, "'" + raw + "' cannot be a user name on this hub: " + problem.get());
        }
        LoginPolicy.Decision decision = policy.decide(name, groups);
        if (!decision.allowed()) {
            throw new LoginFailure(403, "Sorry, " + decision.reason() + ". Ask the hub's administrators for access.");
        }
        JsonObject state = authStates.fromTokens(user.principal(), null);
        return new AuthenticatedUser(name, decision.admin(), Set.copyOf(groups), state);
    }

    /** A claim by name; a dotted name reaches into nested objects ({@code realm_access.roles}). */
    private static Object claim(JsonObject claims, String name) {
        if (claims.containsKey(name)) {
            return claims.getValue(name);
        }
        Object current = claims;
        for (String part : name.split("\\.")) {
            if (!(current instanceof JsonObject o)) {
                return null;
            }
            current = o.getValue(part);
        }
        return current;
    }

    @Override
    public Future<String> afterLogout(RoutingContext ctx) {
        if (!logoutUrl.isEmpty()) {
            return Future.succeededFuture(logoutUrl);
        }
        if (!endProviderSession) {
            return Future.succeededFuture("/hub/login");
        }
        // The ID token of this browser's own session: another session's would make the provider ask for confirmation.
        String session = RequestAuth.sessionId(ctx).orElse(null);
        String back = hubBase(ctx) + "/hub/login";
        return client.provider().compose(auth -> ctx.vertx().executeBlocking(() -> session == null ? null
                        : authStates.loadSession(session).map(s -> s.getString("id_token")).orElse(null), false)
                .map(idToken -> {
                    if (client.endSessionUrl() == null) {
                        return "/hub/login";
                    }
                    JsonObject principal = new JsonObject();
                    if (idToken != null) {
                        principal.put("id_token", idToken);
                    }
                    String url = auth.endSessionURL(User.create(principal), new JsonObject()
                            .put("client_id", clientId).put("post_logout_redirect_uri", back));
                    return url == null ? "/hub/login" : url;
                }))
                .recover(e -> {
                    log.warn("cannot end the {} session: {}", settings.displayName(), e.getMessage());
                    return Future.succeededFuture("/hub/login");
                });
    }

    private String callbackUrl(RoutingContext ctx) {
        return callbackUrl.isEmpty() ? hubBase(ctx) + "/hub/oauth_callback" : callbackUrl;
    }

    /** This hub's public origin: from the configured callback URL, else as the browser addressed it. */
    private String hubBase(RoutingContext ctx) {
        if (!callbackUrl.isEmpty()) {
            return callbackUrl.replaceFirst("/hub/oauth_callback/?$", "");
        }
        String proto = ctx.request().getHeader("X-Forwarded-Proto");
        String scheme = proto != null ? proto.split(",")[0].strip() : ctx.request().isSSL() ? "https" : "http";
        String forwardedHost = ctx.request().getHeader("X-Forwarded-Host");
        String host = forwardedHost != null ? forwardedHost.split(",")[0].strip() : ctx.request().authority() != null
                ? ctx.request().authority().toString() : ctx.request().getHeader("Host");
        return scheme + "://" + host;
    }

    private void unavailable(RoutingContext ctx, String next, Throwable e) {
        failed(ctx, 502, next, unreachable(e));
    }

    private String unreachable(Throwable e) {
        return settings.displayName() + " cannot be reached right now (" + (e.getMessage() == null ? e.toString()
                : e.getMessage()) + "). Please try again in a moment.";
    }

    private static boolean isNetwork(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof TimeoutException
                    || t instanceof io.netty.channel.ConnectTimeoutException
                    || t instanceof ProviderClient.ProviderUnavailable
                    || (t.getMessage() != null && t.getMessage().startsWith("Connection refused"))) {
                return true;
            }
        }
        return false;
    }

    private void failed(RoutingContext ctx, int status, String next, String message) {
        String retry = "/hub/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
        ctx.response().putHeader("Cache-Control", "no-store");
        Templates.page(ctx, status, "login.html", Map.of("title", "Sign-in failed", "error", message,
                "retry_url", retry));
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A sign-in refused for a reason the person can be told. */
    static final class LoginFailure extends RuntimeException {
        final int status;

        LoginFailure(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
