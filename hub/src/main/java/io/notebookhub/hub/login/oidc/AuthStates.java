package io.notebookhub.hub.login.oidc;

import io.notebookhub.hub.servers.SpawnEnvironmentHook;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.SessionRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's tokens ({@code auth_state}), kept per browser session: encrypted with their own key before they
 * reach the store, refreshed before a spawn when they are about to expire (with the newest session's tokens that
 * still work), and optionally handed to the server. Per session, because two browsers of one user hold two
 * provider sessions: logout must send the provider the ID token of the session that ends, and a refresh token used
 * by one must not be replaced by the other's.
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

    /** The state sealed for a session record (text, so that it fits every store's columns). */
    String seal(JsonObject state) {
        return Base64.getEncoder().encodeToString(sealer.sealJson(state));
    }

    private Optional<JsonObject> open(String sealed) {
        if (sealed == null) {
            return Optional.empty();
        }
        try {
            return sealer.openJson(Base64.getDecoder().decode(sealed));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Blocking: the state kept with one session, or empty. */
    Optional<JsonObject> loadSession(String sessionId) {
        return store.session(sessionId).flatMap(s -> open(s.authState()));
    }

    /** A session's state, as found. */
    private record Held(String sessionId, JsonObject state) {}

    /**
     * Blocking: the user's states, newest session first; then the per-user state an older hub kept, if any (it has
     * no session of its own).
     */
    private List<Held> held(String user) {
        List<SessionRecord> sessions = new ArrayList<>(store.sessions(user));
        sessions.sort(Comparator.comparing(SessionRecord::created).reversed());
        List<Held> out = new ArrayList<>();
        for (SessionRecord s : sessions) {
            if (!s.expired(clock.instant())) {
                open(s.authState()).ifPresent(state -> out.add(new Held(s.id(), state)));
            }
        }
        store.authState(user).flatMap(sealer::openJson).ifPresent(state -> out.add(new Held(null, state)));
        return out;
    }

    /** Blocking: the newest state of the user, or empty when there is none or it was sealed with another key. */
    Optional<JsonObject> load(String user) {
        return held(user).stream().findFirst().map(Held::state);
    }

    @Override
    public Future<Map<String, String>> environment(String user) {
        return vertx.executeBlocking(() -> held(user), false).compose(held -> {
            if (held.isEmpty()) {
                // E.g. an admin starts the server of someone who has not logged in since the hub kept tokens.
                return Future.succeededFuture(Map.of());
            }
            return freshest(user, held, 0).map(this::environmentOf);
        });
    }

    /** The newest session's tokens, refreshed if needed; when its refresh fails, the next newest session's. */
    private Future<JsonObject> freshest(String user, List<Held> held, int index) {
        Held h = held.get(index);
        return fresh(user, h).recover(e -> index + 1 < held.size() ? freshest(user, held, index + 1)
                : Future.failedFuture(e));
    }

    private Future<JsonObject> fresh(String user, Held held) {
        JsonObject state = held.state();
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
                    if (held.sessionId() != null) {
                        store.setSessionAuthState(held.sessionId(), seal(refreshed));
                    } else {
                        store.setAuthState(user, sealer.sealJson(refreshed));
                    }
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
