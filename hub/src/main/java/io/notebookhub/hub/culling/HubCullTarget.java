package io.notebookhub.hub.culling;

import io.notebookhub.culler.CullTarget;
import io.notebookhub.culler.ServerFacts;
import io.notebookhub.culler.UserFacts;
import io.notebookhub.hub.auth.Tokens;
import io.notebookhub.hub.paths.UrlPaths;
import io.notebookhub.hub.servers.ServerManager;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.hub.store.UserRecord;
import io.notebookhub.hub.users.Users;
import io.notebookhub.profiles.Profile;
import io.notebookhub.profiles.ProfileCatalog;
import io.notebookhub.proxy.Route;
import io.notebookhub.proxy.RouteStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The culler's view of this hub, in process: running servers with the proxy's activity for their routes, the
 * server's own reports, the profile's idle timeout, and a token the server accepts for reading its kernels.
 */
public final class HubCullTarget implements CullTarget {
    private final Vertx vertx;
    private final HubStore store;
    private final Users users;
    private final ServerManager servers;
    private final RouteStore routes;
    private final ProfileCatalog profiles;
    private final Tokens tokens;
    /** One state-reading token per server start; a server token dies with its server, so a restart gets a new one. */
    private final Map<String, String> stateTokens = new ConcurrentHashMap<>();

    public HubCullTarget(Vertx vertx, HubStore store, Users users, ServerManager servers, RouteStore routes,
                         ProfileCatalog profiles, Tokens tokens) {
        this.vertx = vertx;
        this.store = store;
        this.users = users;
        this.servers = servers;
        this.routes = routes;
        this.profiles = profiles;
        this.tokens = tokens;
    }

    @Override
    public Future<List<ServerFacts>> readyServers() {
        return routes.list().compose(routeTable -> vertx.executeBlocking(() -> {
            List<ServerFacts> facts = new ArrayList<>();
            for (ServerRecord s : store.activeServers()) {
                if (!ServerRecord.RUNNING.equals(s.status()) || s.started() == null) {
                    continue;
                }
                UserRecord owner = users.find(s.user()).orElse(null);
                Route route = routeTable.get(UrlPaths.routeSpec(s.user(), s.name()));
                facts.add(new ServerFacts(s.user(), s.name(), s.profile(), owner != null && owner.admin(), s.started(),
                        route == null ? null : route.lastActivity(),
                        route == null ? null : route.lastInteractiveActivity(),
                        s.lastActivity(), idleTimeout(s.profile()),
                        URI.create(s.url() + UrlPaths.serverPrefix(s.user(), s.name())), stateToken(s)));
            }
            return facts;
        }, false));
    }

    private Duration idleTimeout(String slug) {
        return slug == null ? null : profiles.find(slug).map(Profile::overrides).map(o -> o.idleTimeout()).orElse(null);
    }

    private String stateToken(ServerRecord s) {
        String key = s.user() + "/" + s.name() + "@" + s.started();
        return stateTokens.computeIfAbsent(key, k -> tokens.issue(s.user(), "server", s.name(), null,
                Set.of("access:servers!server=" + s.user() + "/" + s.name(), "read:users:name!user=" + s.user()),
                "idle culler: reads kernel state", null).token());
    }

    @Override
    public Future<StopOutcome> stopServer(ServerFacts server, String reason, boolean remove) {
        stateTokens.keySet().removeIf(k -> k.startsWith(server.user() + "/" + server.serverName() + "@"));
        return servers.stop(server.user(), server.serverName(), reason).compose(v -> {
            if (remove && !server.serverName().isEmpty()) {
                return vertx.executeBlocking(() -> {
                    store.deleteServer(server.user(), server.serverName());
                    return StopOutcome.STOPPED;
                }, false);
            }
            return Future.succeededFuture(StopOutcome.STOPPED);
        });
    }

    @Override
    public Future<List<UserFacts>> usersWithoutServers() {
        return vertx.executeBlocking(() -> {
            List<UserFacts> out = new ArrayList<>();
            for (int offset = 0; ; offset += 1000) {
                List<UserRecord> page = store.users(offset, 1000, "", HubStore.UserState.INACTIVE);
                page.forEach(u -> out.add(new UserFacts(u.name(), u.admin(), u.created(), u.lastActivity())));
                if (page.size() < 1000) {
                    return out;
                }
            }
        }, false);
    }

    @Override
    public Future<Void> deleteUser(String name, String reason) {
        return vertx.executeBlocking(() -> users.delete(name), false)
                .compose(deleted -> servers.userDeleted(name));
    }


}
