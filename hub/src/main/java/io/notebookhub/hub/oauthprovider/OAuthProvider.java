package io.notebookhub.hub.oauthprovider;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.auth.TokenHashing;
import io.notebookhub.hub.auth.Tokens;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.services.Services;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.users.Users;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OAuth 2 provider single-user servers use to let their owner in: the authorization-code flow of
 * JupyterHub's {@code /hub/api/oauth2/authorize} and {@code /hub/api/oauth2/token}, with PKCE when the server
 * sends a challenge. A browser gets a code only if its user may access that server.
 */
public final class OAuthProvider {
    private static final Logger log = LoggerFactory.getLogger(OAuthProvider.class);
    private static final Duration CODE_LIFETIME = Duration.ofMinutes(10);

    private final HubStore store;
    private final Users users;
    private final Tokens tokens;
    private final Duration tokenLifetime;
    private final Cache<String, PendingCode> codes = Caffeine.newBuilder().expireAfterWrite(CODE_LIFETIME).build();

    /** {@code sessionId}: the browser session the code was given to, whose end ends the token too; or null. */
    private record PendingCode(String clientId, String user, String redirectUri, String challenge, Set<String> scopes,
                               String sessionId) {}

    private final OAuthClients clients;
    private final RequestAuth auth;

    public OAuthProvider(HubStore store, Users users, Tokens tokens, Duration tokenLifetime, Services services,
                         RequestAuth auth) {
        this.store = store;
        this.users = users;
        this.tokens = tokens;
        this.tokenLifetime = tokenLifetime;
        this.clients = new OAuthClients(store, services);
        this.auth = auth;
    }

    public void mount(Router router) {
        router.get("/hub/api/oauth2/authorize").blockingHandler(this::authorize, false);
        // The consent form of a service posts back here, with the request's parameters in its query.
        router.post("/hub/api/oauth2/authorize").blockingHandler(this::authorize, false);
        router.post("/hub/api/oauth2/token").blockingHandler(this::token, false);
    }

    private void authorize(RoutingContext ctx) {
        var q = ctx.request();
        String clientId = q.getParam("client_id");
        String redirectUri = q.getParam("redirect_uri");
        if (clientId == null || !"code".equals(q.getParam("response_type"))) {
            throw HttpError.badRequest("an OAuth request needs client_id and response_type=code");
        }
        OAuthClients.Client client = clients.find(clientId)
                .orElseThrow(() -> HttpError.badRequest("unknown OAuth client '" + clientId + "'"));
        if (redirectUri != null && !redirectUri.equals(client.redirectUri())) {
            throw HttpError.badRequest("redirect_uri does not match the one registered for " + clientId);
        }
        boolean confirmed = q.method() == io.vertx.core.http.HttpMethod.POST;
        Principal p = confirmed ? RequestAuth.require(ctx) : RequestAuth.principal(ctx).orElse(null);
        if (p == null) {
            String next = q.uri();
            ctx.redirect("/hub/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
            return;
        }
        if (!client.allows(p, users)) {
            log.info("refused {} access to {}", p.name(), client.description());
            throw HttpError.forbidden("User " + p.name() + " is not allowed to access " + client.description());
        }
        String challenge = q.getParam("code_challenge");
        if (challenge != null && !"S256".equals(q.getParam("code_challenge_method", "S256"))) {
            throw HttpError.badRequest("only the S256 code_challenge_method is supported");
        }
        Set<String> scopes = client.scopes(p.name());
        if (!confirmed && clients.needsConsent(client, p.name(), scopes)) {
            ConsentPage.render(ctx, client, p.name(), auth.xsrfFor(ctx));
            return;
        }
        String code = TokenHashing.newToken();
        codes.put(TokenHashing.hash(code), new PendingCode(clientId, p.name(), client.redirectUri(), challenge, scopes,
                p.viaCookie() ? p.sessionId() : null));
        String state = q.getParam("state");
        String target = client.redirectUri() + (client.redirectUri().contains("?") ? "&" : "?") + "code=" + code
                + (state == null ? "" : "&state=" + URLEncoder.encode(state, StandardCharsets.UTF_8));
        ctx.redirect(target);
    }

    private void token(RoutingContext ctx) {
        var form = ctx.request();
        String grant = form.getFormAttribute("grant_type");
        if (!"authorization_code".equals(grant)) {
            throw HttpError.badRequest("unsupported grant_type '" + grant + "'");
        }
        String clientId = form.getFormAttribute("client_id");
        String secret = form.getFormAttribute("client_secret");
        String code = form.getFormAttribute("code");
        if (clientId == null || secret == null || code == null) {
            throw HttpError.badRequest("client_id, client_secret and code are required");
        }
        OAuthClients.Client client = clients.find(clientId)
                .filter(c -> TokenHashing.constantTimeEquals(c.secretHash(), TokenHashing.hash(secret)))
                .orElseThrow(() -> HttpError.forbidden("invalid client credentials"));
        String codeHash = TokenHashing.hash(code);
        PendingCode pending = codes.asMap().remove(codeHash);
        if (pending == null || !pending.clientId().equals(client.id())) {
            throw HttpError.badRequest("invalid_grant: the code is unknown, used or expired");
        }
        String redirectUri = form.getFormAttribute("redirect_uri");
        if (redirectUri != null && !redirectUri.equals(pending.redirectUri())) {
            throw HttpError.badRequest("invalid_grant: redirect_uri differs from the authorization request");
        }
        if (pending.challenge() != null && !pkceMatches(pending.challenge(), form.getFormAttribute("code_verifier"))) {
            throw HttpError.badRequest("invalid_grant: code_verifier does not match the code_challenge");
        }
        if (pending.sessionId() != null && store.session(pending.sessionId()).isEmpty()) {
            throw HttpError.badRequest("invalid_grant: the browser session behind the code has ended");
        }
        Set<String> scopes = pending.scopes();
        Tokens.Issued issued = tokens.issue(pending.user(), "oauth", client.serverName(), client.id(), scopes,
                "OAuth token for " + client.id(), tokenLifetime);
        if (pending.sessionId() != null) {
            store.bindTokenToSession(issued.record().id(), pending.sessionId());
            if (store.session(pending.sessionId()).isEmpty()) {
                // The session ended between the check above and the binding: its logout missed this token.
                tokens.revoke(issued.record().id());
                throw HttpError.badRequest("invalid_grant: the browser session behind the code has ended");
            }
        }
        // The server's owner may differ from the browser's user (an admin visiting); tie revocation to the server.
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(new JsonObject().put("access_token", issued.token()).put("token_type", "Bearer")
                        .put("expires_in", tokenLifetime.toSeconds()).put("scope", String.join(" ", scopes)).encode());
    }

    private static boolean pkceMatches(String challenge, String verifier) {
        if (verifier == null) {
            return false;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
            return TokenHashing.constantTimeEquals(expected, challenge);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
