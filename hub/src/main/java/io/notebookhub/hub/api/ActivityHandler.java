package io.notebookhub.hub.api;

import static io.notebookhub.hub.api.ApiSupport.body;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.UserRecord;
import io.notebookhub.hub.users.Users;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code POST /hub/api/users/<name>/activity}: what single-user servers report. Timestamps only move forward;
 * one more than 59 minutes in the future is refused, as JupyterHub does.
 */
public final class ActivityHandler {
    private final Users users;
    private final HubStore store;
    private final Clock clock;

    public ActivityHandler(Users users, HubStore store, Clock clock) {
        this.users = users;
        this.store = store;
        this.clock = clock;
    }

    public void mount(Router router) {
        router.post("/hub/api/users/:name/activity").blockingHandler(this::activity, false);
    }

    private void activity(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String name = ctx.pathParam("name");
        UserRecord u = users.find(name).orElse(null);
        ApiSupport.needUser(p, "users:activity", name, u == null ? java.util.Set.of() : u.groups());
        if (u == null) {
            throw HttpError.notFound("No such user: " + name);
        }
        JsonObject body = body(ctx);
        if (!body.containsKey("last_activity") && !body.containsKey("servers")) {
            throw HttpError.badRequest("body has neither 'last_activity' nor 'servers'");
        }
        Instant userActivity = body.containsKey("last_activity") ? timestamp(body.getValue("last_activity")) : null;
        JsonObject servers = body.containsKey("servers") ? asObject(body.getValue("servers"), "servers") : new JsonObject();
        for (String server : servers.fieldNames()) {
            ApiSupport.needServer(p, "users:activity", name, server, u.groups());
            if (store.server(name, server).isEmpty()) {
                throw HttpError.badRequest("No such server '" + server + "' for user " + name);
            }
            JsonObject entry = asObject(servers.getValue(server), "servers." + server);
            if (!entry.containsKey("last_activity")) {
                throw HttpError.badRequest("servers." + server + " needs 'last_activity'");
            }
            timestamp(entry.getValue("last_activity"));
        }
        // One disk sync for the whole report: a server reports as it starts, while the hub is recording that start.
        store.durableTogether(() -> {
            Instant latest = userActivity;
            for (String server : servers.fieldNames()) {
                Instant when = timestamp(servers.getJsonObject(server).getValue("last_activity"));
                store.touchServer(name, server, when);
                latest = latest == null || when.isAfter(latest) ? when : latest;
            }
            if (latest != null) {
                users.touch(name, latest);
            }
            return null;
        });
        ctx.response().setStatusCode(200).end();
    }

    private JsonObject asObject(Object value, String what) {
        if (value instanceof JsonObject o) {
            return o;
        }
        throw HttpError.badRequest("'" + what + "' must be an object");
    }

    private Instant timestamp(Object value) {
        if (!(value instanceof String text)) {
            throw HttpError.badRequest("last_activity must be an ISO 8601 timestamp string");
        }
        Instant when = ApiSupport.parseIso(text);
        if (when.isAfter(clock.instant().plus(Duration.ofMinutes(59)))) {
            throw HttpError.badRequest("last_activity " + text + " is in the future");
        }
        return when;
    }
}
