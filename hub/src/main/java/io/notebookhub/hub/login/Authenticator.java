package io.notebookhub.hub.login;

import io.notebookhub.hub.servers.SpawnEnvironmentHook;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * How people log in. One implementation is chosen by {@code auth.type} at start-up: the dev form, or an
 * OAuth/OIDC provider.
 */
public interface Authenticator {

    String id();

    /**
     * Adds the login routes ({@code GET/POST /hub/login}, and {@code /hub/oauth_callback} for OAuth) to the
     * router. On success the authenticator calls {@code completion}, which records the user, sets the session
     * cookie and redirects to {@code next}.
     */
    void mount(Router router, LoginCompletion completion);

    /** Where the browser goes after the hub's own logout (e.g. the provider's end-session page). */
    default Future<String> afterLogout(RoutingContext ctx) {
        return Future.succeededFuture("/hub/login");
    }

    /**
     * Blocking: the user's {@code auth_state} (the provider's tokens) in clear, for callers holding
     * {@code admin:auth_state}; empty when this authenticator keeps none or the user has none.
     */
    default Optional<JsonObject> authState(String user) {
        return Optional.empty();
    }

    /**
     * The provider tokens of a login, sealed for the session it starts (kept per session, not per user); null when
     * this authenticator keeps none.
     */
    default String sealAuthState(AuthenticatedUser who) {
        return null;
    }

    /** What must happen before each spawn (e.g. refreshing provider tokens and passing them to the server). */
    default SpawnEnvironmentHook spawnHook() {
        return SpawnEnvironmentHook.NONE;
    }

    /** Finishes a login the authenticator accepted, and guards login forms against cross-site submission. */
    interface LoginCompletion {
        void complete(RoutingContext ctx, AuthenticatedUser user, String next);

        /** The XSRF token a login form must carry back (sets the browser's login cookie if it has none). */
        String loginXsrf(RoutingContext ctx);

        /** True when a posted login form carries the XSRF token that matches this browser's login cookie. */
        boolean loginXsrfValid(RoutingContext ctx);
    }
}
