package io.notebookhub.hub.auth.oidc;

import io.notebookhub.hub.servers.SpawnEnvironmentHook;
import io.notebookhub.hub.store.HubStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's tokens per user ({@code auth_state}): encrypted with their own key before they reach the
 * store, refreshed before a spawn when they are about to expire, and optionally handed to the server.
 */
final class AuthStates implements SpawnEnvironmentHook {
    private static final Logger log = LoggerFactory.getLogger(AuthStates.class);
    /** Tokens expiring within this many seconds are refreshed before a spawn. */
    private static final long REFRESH_MARGIN_SECONDS = 300;

    private final Vertx vertx;
    private final HubStore store;
    private final Sealer sealer;
    private final ProviderClient provider;
    private final ProviderSettings settings;
    private final boolean passToServer;
    private final Clock clock;

    AuthStates(Vertx vertx, HubStore store, Sealer sealer, ProviderClient provider, ProviderSettings settings,
               boolean passToServer, Clock clock) {
        this.vertx = vertx;
        this.store = store;
        this.sealer = sealer;
        this.provider = provider;
        this.settings = settings;
        this.passToServer = passToServer;
        this.clock = clock;
    }

    /** The auth_state kept for a token response: the tokens and when the access token expires. */
    JsonObject fromTokens(JsonObject principal, JsonObject previous) {
        JsonObject state = new JsonObject().put("provider", settings.type());
        for (String key : new String[] {"access_token", "refresh_token", "id_token", "token_type", "scope"}) {
            Object v = principal.getValue(key);
            if (v == null && previous != null) {
                // Many providers answer a refresh without a new refresh or ID token: keep the ones we have.
                v = previous.getValue(key);
            }
            if (v != null) {
                state.put(key, v.toString());
            }
        }
        Object expiresIn = principal.getValue("expires_in");
        if (expiresIn != null) {
            try {
                state.put("expires_at", clock.instant().getEpochSecond() + Long.parseLong(expiresIn.toString()));
            } catch (NumberFormatException e) {
                log.debug("ignoring expires_in '{}'", expiresIn);
            }
        }
        return state;
    }

    /** Blocking: stores the state encrypted; the user must exist. */
    void save(String user, JsonObject state) {
        store.setAuthState(user, sealer.sealJson(state));
    }

    /** Blocking: the user's state, or empty when there is none or it was sealed with another key. */
    Optional<JsonObject> load(String user) {
        return store.authState(user).flatMap(sealer::openJson);
    }

    @Override
    public Future<Map<String, String>> environment(String user) {
        return vertx.executeBlocking(() -> load(user), false).compose(state -> {
            if (state.isEmpty()) {
                // E.g. an admin starts the server of someone who has not logged in since the hub kept tokens.
                return Future.succeededFuture(Map.of());
            }
            return fresh(user, state.get()).map(this::environmentOf);
        });
    }

    private Future<JsonObject> fresh(String user, JsonObject state) {
        Long expiresAt = state.getLong("expires_at");
        long now = clock.instant().getEpochSecond();
        if (expiresAt == null || expiresAt - REFRESH_MARGIN_SECONDS > now) {
            return Future.succeededFuture(state);
        }
        if (state.getString("refresh_token") == null) {
            return expiresAt > now || !passToServer ? Future.succeededFuture(state)
                    : Future.failedFuture(expiredMessage());
        }
        return provider.provider()
                .compose(auth -> auth.refresh(ProviderClient.userFrom(state)))
                .map(User::principal)
                .compose(principal -> vertx.executeBlocking(() -> {
                    JsonObject refreshed = fromTokens(principal, state);
                    save(user, refreshed);
                    log.info("refreshed the {} tokens of {}", settings.displayName(), user);
                    return refreshed;
                }, false))
                .recover(e -> {
                    log.warn("cannot refresh the {} tokens of {}: {}", settings.displayName(), user, e.getMessage());
                    return passToServer ? Future.failedFuture(expiredMessage()) : Future.succeededFuture(state);
                });
    }

    private String expiredMessage() {
        return "your sign-in with " + settings.displayName() + " has expired: log out and sign in again, "
                + "then start your server";
    }

    private Map<String, String> environmentOf(JsonObject state) {
        if (!passToServer) {
            return Map.of();
        }
        Map<String, String> env = new LinkedHashMap<>();
        put(env, "OAUTH_ACCESS_TOKEN", state.getString("access_token"));
        put(env, "OAUTH_ID_TOKEN", state.getString("id_token"));
        Long expiresAt = state.getLong("expires_at");
        put(env, "OAUTH_ACCESS_TOKEN_EXPIRES_AT", expiresAt == null ? null : expiresAt.toString());
        put(env, "OAUTH_PROVIDER", settings.type());
        return env;
    }

    private static void put(Map<String, String> env, String key, String value) {
        if (value != null) {
            env.put(key, value);
        }
    }
}
