package io.notebookhub.hub.oauthprovider;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.paths.UrlPaths;
import io.notebookhub.hub.services.Services;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.users.Users;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The OAuth clients the provider knows: one per single-user server (stored, replaced at each start) and one per
 * service (from the configuration, {@code service-<name>}). A client says who may use it and what its tokens hold.
 */
final class OAuthClients {
    private final HubStore store;
    private final Services services;

    /**
     * @param user the server's owner, or null for a service
     * @param service the service, or null for a server
     */
    record Client(String id, String redirectUri, String secretHash, String user, String serverName, String service,
                  boolean noConfirm, List<String> allowedScopes) {

        String description() {
            return service != null ? "the service " + service : "the server " + UrlPaths.serverPrefix(user, serverName);
        }

        /** JupyterHub's access scopes: {@code access:servers!server=u/s} or {@code access:services!service=s}. */
        String accessScope() {
            return service != null ? "access:services!service=" + service
                    : "access:servers!server=" + user + "/" + serverName;
        }

        boolean allows(Principal p, Users users) {
            if (service != null) {
                return p.scopes().allowsService("access:services", service);
            }
            Set<String> ownerGroups = users.find(user).map(u -> u.groups()).orElse(Set.of());
            return p.scopes().allowsServer("access:servers", user, serverName, ownerGroups);
        }

        /** What a token issued to {@code who} through this client holds: access, identity, and the allowed extras. */
        Set<String> scopes(String who) {
            Set<String> out = new LinkedHashSet<>(List.of(accessScope(), "read:users:name!user=" + who,
                    "read:users:groups!user=" + who));
            out.addAll(allowedScopes);
            return Set.copyOf(out);
        }
    }

    OAuthClients(HubStore store, Services services) {
        this.store = store;
        this.services = services;
    }

    /** Blocking: a server's client is read from the store. */
    Optional<Client> find(String id) {
        Optional<Services.OAuthClient> service = services.oauthClient(id);
        if (service.isPresent()) {
            Services.OAuthClient c = service.get();
            return Optional.of(new Client(c.id(), c.redirectUri(), c.secretHash(), null, null, c.service().name(),
                    c.service().oauthNoConfirm(), c.service().oauthClientAllowedScopes()));
        }
        return store.oauthClient(id).map(c -> new Client(c.id(), c.redirectUri(), c.secretHash(), c.user(),
                c.serverName(), null, true, List.of()));
    }

    /**
     * JupyterHub asks the user before a service learns who they are, unless the service is configured with
     * {@code oauth_no_confirm} or the user already granted it the same scopes. A user's own server never asks,
     * and another user's server is reached only through {@code access:servers}, which the owner's admin granted.
     */
    boolean needsConsent(Client client, String user, Set<String> scopes) {
        if (client.service() == null || client.noConfirm()) {
            return false;
        }
        Set<String> granted = new LinkedHashSet<>();
        store.tokens(user).stream().filter(t -> client.id().equals(t.clientId())).forEach(t -> granted.addAll(t.scopes()));
        return !granted.containsAll(scopes);
    }
}
