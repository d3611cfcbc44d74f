package io.notebookhub.hub.api;

import static io.notebookhub.hub.api.ApiSupport.iso;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.paths.UrlPaths;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.hub.store.TokenRecord;
import io.notebookhub.hub.store.UserRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.TreeSet;

/** JupyterHub's JSON shapes for users, servers and tokens, showing only what the caller's scopes allow. */
public final class Models {
    private Models() {
    }

    public static JsonObject server(ServerRecord s, boolean withState) {
        String prefix = UrlPaths.serverPrefix(s.user(), s.name());
        String progress = "/hub/api/users/" + UrlPaths.escape(s.user())
                + (s.name().isEmpty() ? "/server/progress" : "/servers/" + UrlPaths.escape(s.name()) + "/progress");
        JsonObject o = new JsonObject()
                .put("name", s.name())
                .put("ready", ServerRecord.RUNNING.equals(s.status()))
                .put("stopped", ServerRecord.STOPPED.equals(s.status()))
                .put("pending", pending(s))
                .put("url", prefix)
                .put("progress_url", progress)
                .put("started", iso(s.started()))
                .put("last_activity", iso(s.lastActivity()))
                .put("user_options", new JsonObject(new java.util.LinkedHashMap<>(s.userOptions())))
                .put("profile", s.profile())
                .put("stop_reason", s.stopReason());
        if (withState) {
            o.put("state", new JsonObject(new java.util.LinkedHashMap<>(s.spawnerState())));
        }
        return o;
    }

    static String pending(ServerRecord s) {
        return switch (s.status()) {
            case ServerRecord.STARTING -> "spawn";
            case ServerRecord.STOPPING -> "stop";
            default -> null;
        };
    }

    /** The user model as {@code caller} may see it. */
    public static JsonObject user(UserRecord u, List<ServerRecord> servers, Principal caller, boolean includeStopped) {
        JsonObject o = new JsonObject().put("kind", "user").put("name", u.name());
        if (caller.scopes().allowsUser("read:users", u.name(), u.groups())) {
            o.put("admin", u.admin())
                    .put("roles", u.admin() ? new JsonArray().add("admin").add("user") : new JsonArray().add("user"))
                    .put("groups", new JsonArray(List.copyOf(new TreeSet<>(u.groups()))))
                    .put("created", iso(u.created()))
                    .put("last_activity", iso(u.lastActivity()));
        } else if (caller.scopes().allowsUser("read:users:activity", u.name(), u.groups())) {
            o.put("last_activity", iso(u.lastActivity()));
        }
        if (caller.scopes().allowsUser("admin:auth_state", u.name(), u.groups())) {
            // A placeholder, as in JupyterHub's model; GET /hub/api/users/<name> fills it in.
            o.put("auth_state", null);
        }
        if (caller.scopes().allowsUser("read:servers", u.name(), u.groups())) {
            ServerRecord def = servers.stream().filter(s -> s.name().isEmpty()).findFirst().orElse(null);
            o.put("server", def != null && ServerRecord.RUNNING.equals(def.status())
                    ? UrlPaths.serverPrefix(u.name(), "") : null);
            o.put("pending", def == null ? null : pending(def));
            boolean state = caller.scopes().allowsUser("admin:server_state", u.name(), u.groups());
            JsonObject map = new JsonObject();
            for (ServerRecord s : servers) {
                if (includeStopped || s.active()) {
                    map.put(s.name(), server(s, state));
                }
            }
            o.put("servers", map);
        }
        return o;
    }

    public static JsonObject token(TokenRecord t) {
        return new JsonObject()
                .put("id", "a" + t.id())
                .put("kind", "api_token")
                .put("user", t.user())
                .put("roles", new JsonArray())
                .put("scopes", new JsonArray(List.copyOf(new TreeSet<>(t.scopes()))))
                .put("note", t.note())
                .put("oauth_client", t.clientId())
                .put("created", iso(t.created()))
                .put("expires_at", iso(t.expiresAt()))
                .put("last_activity", iso(t.lastActivity()))
                .put("session_id", null);
    }
}
