package io.notebookhub.hub.api;

import static io.notebookhub.hub.api.ApiSupport.body;
import static io.notebookhub.hub.api.ApiSupport.json;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.auth.ScopeSet;
import io.notebookhub.hub.auth.Scopes;
import io.notebookhub.hub.auth.Tokens;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.TokenRecord;
import io.notebookhub.hub.store.UserRecord;
import io.notebookhub.hub.users.Users;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/** A user's API tokens: list, create (scopes, expiry, note), read, revoke. */
public final class TokensHandler {
    /** A hundred years: longer is "never", which leaving out expires_in says. */
    static final long MAX_EXPIRES_IN = 100L * 365 * 24 * 3600;
    private final Users users;
    private final HubStore store;
    private final Tokens tokens;

    public TokensHandler(Users users, HubStore store, Tokens tokens) {
        this.users = users;
        this.store = store;
        this.tokens = tokens;
    }

    public void mount(Router router) {
        router.get("/hub/api/users/:name/tokens").blockingHandler(this::list, false);
        router.post("/hub/api/users/:name/tokens").blockingHandler(this::create, false);
        router.get("/hub/api/users/:name/tokens/:id").blockingHandler(this::get, false);
        router.delete("/hub/api/users/:name/tokens/:id").blockingHandler(this::delete, false);
    }

    private UserRecord owner(RoutingContext ctx, Principal p, String scope) {
        String name = ctx.pathParam("name");
        UserRecord u = users.find(name).orElse(null);
        ApiSupport.needUser(p, scope, name, u == null ? Set.of() : u.groups());
        if (u == null) {
            throw HttpError.notFound("No such user: " + name);
        }
        return u;
    }

    private void list(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        UserRecord u = owner(ctx, p, "read:tokens");
        JsonArray items = new JsonArray();
        store.tokens(u.name()).stream().filter(t -> t.kind().equals("api")).forEach(t -> items.add(Models.token(t)));
        json(ctx, 200, new JsonObject().put("api_tokens", items));
    }

    private void create(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        UserRecord u = owner(ctx, p, "tokens");
        JsonObject body = body(ctx);
        Set<String> requested = new LinkedHashSet<>();
        ApiSupport.stringArray(body, "scopes").forEach(s -> requested.add((String) s));
        for (Object role : ApiSupport.stringArray(body, "roles")) {
            requested.addAll(switch ((String) role) {
                case "user" -> Set.of("self");
                case "admin" -> Scopes.ADMIN_ROLE;
                case "server" -> Scopes.serverRole(u.name(), "");
                case "token" -> Set.of("inherit");
                default -> throw HttpError.badRequest("no role '" + role + "'");
            });
        }
        if (requested.remove("self")) {
            requested.addAll(Scopes.selfScopes(u.name(), u.groups()));
        }
        for (String s : requested) {
            if (!s.equals("inherit") && !Scopes.valid(s)) {
                throw HttpError.badRequest("'" + s + "' is not a scope this hub knows");
            }
        }
        if (requested.isEmpty()) {
            requested.add("inherit");
        }
        if (!requested.contains("inherit")) {
            checkWithin(requested, tokens.ownerScopes(u), u, "the token's owner " + u.name());
            if (!p.name().equals(u.name()) || !p.isUser()) {
                checkWithin(requested, p.scopes(), u, "the requester " + p.name());
            }
        } else if (!(p.isUser() && p.name().equals(u.name())) && !p.admin()) {
            throw HttpError.forbidden("only " + u.name() + " or an admin may create a token with all of "
                    + u.name() + "'s permissions; ask for specific scopes");
        }
        Long seconds = ApiSupport.wholeNumber(body, "expires_in", 1, MAX_EXPIRES_IN, " of seconds");
        Duration expiresIn = seconds == null ? null : Duration.ofSeconds(seconds);
        Object note = body.getValue("note");
        if (note != null && !(note instanceof String)) {
            throw HttpError.badRequest("'note' must be a string");
        }
        String noteText = note == null ? "Requested via API" + (p.name().equals(u.name()) ? "" : " by " + p.name())
                : (String) note;
        Tokens.Issued issued = tokens.issue(u.name(), "api", null, null, requested, noteText, expiresIn);
        json(ctx, 201, Models.token(issued.record()).put("token", issued.token()));
    }

    private static void checkWithin(Set<String> requested, ScopeSet holder, UserRecord owner, String who) {
        for (String s : Scopes.expand(requested)) {
            ScopeSet one = ScopeSet.intersect(ScopeSet.of(Set.of(s)), holder, owner.name(), owner.groups());
            if (!one.scopes().contains(s)) {
                throw HttpError.forbidden("Not assigning requested scope '" + s + "': " + who + " does not hold it");
            }
        }
    }

    private TokenRecord token(RoutingContext ctx, UserRecord u) {
        String raw = ctx.pathParam("id");
        long id;
        try {
            id = Long.parseLong(raw.startsWith("a") ? raw.substring(1) : raw);
        } catch (NumberFormatException e) {
            throw HttpError.notFound("No such token: " + raw);
        }
        return store.token(id).filter(t -> t.user().equals(u.name()))
                .orElseThrow(() -> HttpError.notFound("No such token: " + raw));
    }

    private void get(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        UserRecord u = owner(ctx, p, "read:tokens");
        json(ctx, 200, Models.token(token(ctx, u)));
    }

    private void delete(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        UserRecord u = owner(ctx, p, "tokens");
        tokens.revoke(token(ctx, u).id());
        ctx.response().setStatusCode(204).end();
    }
}
