package io.notebookhub.hub.services;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.auth.RoleGrants;
import io.notebookhub.hub.auth.ScopeSet;
import io.notebookhub.hub.auth.Scopes;
import io.notebookhub.hub.auth.ServiceTokens;
import io.notebookhub.hub.auth.TokenHashing;
import io.notebookhub.hub.config.ServiceSpec;
import io.notebookhub.hub.config.ServicesConfig;
import io.notebookhub.proxy.Route;
import io.notebookhub.proxy.RouteStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's services as configured: who each one is on the REST API (its token, held in memory as a hash, and the
 * scopes of its roles), its OAuth client, and its route {@code /services/<name>/}. As in JupyterHub, a managed
 * service without a configured {@code api_token} gets a new one at each hub start; tokens are never stored.
 */
public final class Services implements ServiceTokens {
    private static final Logger log = LoggerFactory.getLogger(Services.class);

    /** A configured service with its token (configured or generated) and what that token may do. */
    public record Service(ServiceSpec spec, String token, Principal principal, List<String> roles) {}

    /** A service's OAuth client: its secret is the service's token, as JupyterHub's HubOAuth sends it. */
    public record OAuthClient(String id, ServiceSpec service, String redirectUri, String secretHash) {}

    private final Map<String, Service> byName = new LinkedHashMap<>();
    private final Map<String, Service> byTokenHash = new LinkedHashMap<>();
    private final Map<String, OAuthClient> clients = new LinkedHashMap<>();

    public Services(ServicesConfig config) {
        RoleGrants roles = config.roles();
        for (ServiceSpec spec : config.services()) {
            String token = !spec.apiToken().isEmpty() ? spec.apiToken() : spec.managed() ? TokenHashing.newToken() : "";
            Set<String> scopes = new LinkedHashSet<>(roles.serviceScopes(spec.name()));
            List<String> roleNames = new ArrayList<>(roles.serviceRoles(spec.name()));
            if (spec.admin()) {
                scopes.addAll(Scopes.ADMIN_ROLE);
                roleNames.add(0, "admin");
            }
            Principal principal = new Principal("service", spec.name(), spec.admin(), Set.of(), ScopeSet.of(scopes),
                    null, null, false);
            Service service = new Service(spec, token, principal, List.copyOf(roleNames));
            byName.put(spec.name(), service);
            if (!token.isEmpty()) {
                byTokenHash.put(TokenHashing.hash(token), service);
                if (spec.oauthAvailable()) {
                    clients.put(spec.oauthClientId(), new OAuthClient(spec.oauthClientId(), spec,
                            spec.oauthRedirectUri(), TokenHashing.hash(token)));
                }
            } else if (!spec.url().isEmpty()) {
                log.info("service {} has no api_token: it is routed at {} but cannot call the API or log users in",
                        spec.name(), spec.prefix());
            }
        }
    }

    @Override
    public Optional<Principal> principal(String tokenHash) {
        Service s = byTokenHash.get(tokenHash);
        return s == null ? Optional.empty() : Optional.of(s.principal());
    }

    public Collection<Service> all() {
        return byName.values();
    }

    public Optional<Service> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Optional<OAuthClient> oauthClient(String clientId) {
        return Optional.ofNullable(clients.get(clientId));
    }

    /** Adds each service's missing route and removes routes of services no longer configured. */
    public Future<Void> syncRoutes(RouteStore routes) {
        return routes.list().compose(current -> {
            Future<Void> chain = Future.succeededFuture();
            for (Service s : byName.values()) {
                String url = s.spec().url();
                if (url.isEmpty()) {
                    continue;
                }
                String spec = routeSpec(s.spec().name());
                Route route = current.get(spec);
                if (route == null || !route.target().equals(url)) {
                    log.info("route for service {}: {} -> {}", s.spec().name(), spec, url);
                    chain = chain.compose(v -> routes.add(spec, url, Map.of("service", s.spec().name(),
                            "jupyterhub", true)));
                }
            }
            for (Route route : current.values()) {
                Object service = route.data().get("service");
                if (Boolean.TRUE.equals(route.data().get("jupyterhub")) && service instanceof String name
                        && !byName.containsKey(name)) {
                    log.info("removing the route of service {}, which is no longer configured", name);
                    chain = chain.compose(v -> routes.remove(route.prefix()));
                }
            }
            return chain;
        });
    }

    static String routeSpec(String name) {
        return "/services/" + name;
    }
}
