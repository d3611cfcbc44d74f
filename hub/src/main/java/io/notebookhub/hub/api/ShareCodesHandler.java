package io.notebookhub.hub.api;

import static io.notebookhub.hub.api.ApiSupport.body;
import static io.notebookhub.hub.api.ApiSupport.json;
import static io.notebookhub.hub.api.SharesHandler.param;
import static io.notebookhub.hub.api.SharesHandler.route;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.auth.TokenHashing;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ShareCodeRecord;
import io.notebookhub.hub.users.Users;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /hub/api/share-codes/<owner>[/<server>]}: list, issue (the code is answered once, with the URL that accepts
 * it) and revoke share codes. A code lives {@code expires_in} seconds (JupyterHub's 60 s to one year, one day by
 * default); accepting it ({@code /hub/accept-share}) turns it into a share for the accepting user.
 */
public final class ShareCodesHandler {
    private static final Logger log = LoggerFactory.getLogger(ShareCodesHandler.class);
    static final long DEFAULT_EXPIRES_IN = 86_400;
    private static final long MIN_EXPIRES_IN = 60;
    private static final long MAX_EXPIRES_IN = 525_600L * 60;
    private static final Pattern ID = Pattern.compile("sc_(\\d{1,18})");

    private final Users users;
    private final HubStore store;
    private final ShareModels models;
    private final Clock clock;

    public ShareCodesHandler(Users users, HubStore store, String publicUrl, Clock clock) {
        this.users = users;
        this.store = store;
        this.models = new ShareModels(users, store, publicUrl);
        this.clock = clock;
    }

    public void mount(Router router) {
        route(router, HttpMethod.GET, "/share-codes/{owner}", this::listOwner);
        route(router, HttpMethod.GET, "/share-codes/{owner}/{server_name}", this::listServer);
        route(router, HttpMethod.POST, "/share-codes/{owner}/{server_name}", this::issue);
        route(router, HttpMethod.DELETE, "/share-codes/{owner}/{server_name}", this::revoke);
        for (HttpMethod m : List.of(HttpMethod.POST, HttpMethod.DELETE)) {
            router.routeWithRegex(m, "/hub/api/share-codes/([^/]+)").handler(ctx -> {
                throw new HttpError(405, "Method Not Allowed");
            });
        }
    }

    private List<ShareCodeRecord> live(List<ShareCodeRecord> codes) {
        Instant now = clock.instant();
        return codes.stream().filter(c -> !c.expired(now)).toList();
    }

    private void listOwner(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String owner = param(ctx, 0);
        ApiSupport.needUser(p, "read:shares", owner, models.groupsOf(owner));
        if (users.find(owner).isEmpty()) {
            throw HttpError.notFound("No such user: " + owner);
        }
        ShareModels.page(ctx, live(store.shares().codesOf(owner, null)), models::code);
    }

    private void listServer(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String owner = param(ctx, 0);
        String server = param(ctx, 1);
        ApiSupport.needServer(p, "read:shares", owner, server, models.groupsOf(owner));
        models.server(owner, server);
        ShareModels.page(ctx, live(store.shares().codesOf(owner, server)), models::code);
    }

    private void issue(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String owner = param(ctx, 0);
        String server = param(ctx, 1);
        ApiSupport.needServer(p, "shares", owner, server, models.groupsOf(owner));
        JsonObject body = body(ctx);
        ShareModels.onlyKeys(body, Set.of("scopes", "expires_in"));
        Long expiresIn = ApiSupport.wholeNumber(body, "expires_in", MIN_EXPIRES_IN, MAX_EXPIRES_IN, " of seconds");
        List<String> scopes = ShareModels.filteredScopes(ApiSupport.stringArray(body, "scopes"), owner, server);
        models.needHeld(p, scopes, owner, server);
        models.server(owner, server);
        String code = TokenHashing.newToken();
        Instant now = clock.instant();
        ShareCodeRecord record = store.shares().createCode(TokenHashing.hash(code), owner, server, scopes, now,
                now.plus(Duration.ofSeconds(expiresIn == null ? DEFAULT_EXPIRES_IN : expiresIn)));
        log.info("{} issued share code sc_{} for {}/{}, expiring {}", p.name(), record.id(), owner, server,
                record.expiresAt());
        json(ctx, 200, models.codeWithSecret(record, code));
    }

    private void revoke(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String owner = param(ctx, 0);
        String server = param(ctx, 1);
        ApiSupport.needServer(p, "shares", owner, server, models.groupsOf(owner));
        models.server(owner, server);
        String code = ctx.request().getParam("code");
        String id = ctx.request().getParam("id");
        if (code != null && !code.isEmpty()) {
            ShareCodeRecord found = store.shares().codeByHash(TokenHashing.hash(code))
                    .filter(c -> c.owner().equals(owner) && c.serverName().equals(server))
                    .orElseThrow(() -> HttpError.notFound("No matching code found"));
            store.shares().deleteCode(found.id());
        } else if (id != null && !id.isEmpty()) {
            Matcher m = ID.matcher(id);
            String notFound = "No code found matching id=" + id;
            if (!m.matches()) {
                throw HttpError.notFound(notFound);
            }
            long wanted = Long.parseLong(m.group(1));
            boolean ours = store.shares().codesOf(owner, server).stream().anyMatch(c -> c.id() == wanted);
            if (!ours || !store.shares().deleteCode(wanted)) {
                throw HttpError.notFound(notFound);
            }
        } else {
            int deleted = store.shares().deleteCodes(owner, server);
            log.info("{} deleted all {} share codes of {}/{}", p.name(), deleted, owner, server);
        }
        ctx.response().setStatusCode(204).end();
    }
}
