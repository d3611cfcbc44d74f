package io.notebookhub.hub.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One entry of {@code hub.services}, in JupyterHub's words. A service with a {@code command} is managed: the hub
 * starts it, restarts it when it dies and stops it with the hub. One with only a {@code url} is external.
 *
 * @param apiToken the token from the configuration, or empty (a managed service then gets one generated per start)
 * @param oauthClientId {@code service-<name>} unless configured
 * @param oauthRedirectUri {@code /services/<name>/oauth_callback} unless configured; empty when there is no OAuth
 * @param oauthClientAllowedScopes what the OAuth tokens of logged-in users may do through the service, beyond
 *     identifying them (JupyterHub's {@code oauth_client_allowed_scopes})
 * @param cwd the managed service's working folder, or null for the hub's
 */
public record ServiceSpec(String name, String url, boolean admin, String apiToken, String oauthClientId,
                          String oauthRedirectUri, boolean oauthNoConfirm, List<String> oauthClientAllowedScopes,
                          boolean display, Map<String, Object> info, List<String> command,
                          Map<String, String> environment, Path cwd) {

    public ServiceSpec {
        oauthClientAllowedScopes = List.copyOf(oauthClientAllowedScopes);
        info = Map.copyOf(info);
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }

    public boolean managed() {
        return !command.isEmpty();
    }

    /** {@code managed} or {@code external}, as JupyterHub's Service.kind. */
    public String kind() {
        return managed() ? "managed" : "external";
    }

    /** The public prefix the proxy routes to {@link #url}: {@code /services/<name>/}; empty without a url. */
    public String prefix() {
        return url.isEmpty() ? "" : "/services/" + name + "/";
    }

    /** True when users log in to it through the hub: it has a url, or OAuth settings of its own. */
    public boolean oauthAvailable() {
        return !oauthRedirectUri.isEmpty();
    }
}
