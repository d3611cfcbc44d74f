package io.notebookhub.hub.services;

import io.notebookhub.hub.config.ServiceSpec;
import io.vertx.core.json.JsonArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment of a managed service, as JupyterHub 5's {@code _ServiceSpawner} builds it: the hub's few kept
 * variables ({@code env_keep}), the service's token and OAuth settings, where the hub's API is, and last the
 * service's own {@code environment}, which wins. Nothing else of the hub's environment (its admin token, database
 * password) reaches a service.
 */
public final class ServiceEnvironment {
    /** JupyterHub's {@code Spawner.env_keep}. */
    static final List<String> KEEP = List.of("PATH", "PYTHONPATH", "CONDA_ROOT", "CONDA_DEFAULT_ENV", "VIRTUAL_ENV",
            "LANG", "LC_ALL", "JUPYTERHUB_SINGLEUSER_APP");

    private ServiceEnvironment() {
    }

    /**
     * @param hubApiUrl how the service reaches the hub's API, e.g. {@code http://127.0.0.1:8081/hub/api}
     * @param publicUrl the hub's public URL ({@code hub.public_url}), or empty when not configured
     */
    public static Map<String, String> of(ServiceSpec spec, String token, String hubApiUrl, String publicUrl,
                                         Map<String, String> hubEnvironment) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String key : KEEP) {
            if (hubEnvironment.containsKey(key)) {
                env.put(key, hubEnvironment.get(key));
            }
        }
        env.put("JUPYTERHUB_API_TOKEN", token);
        env.put("JPY_API_TOKEN", token);
        env.put("JUPYTERHUB_CLIENT_ID", spec.oauthClientId());
        env.put("JUPYTERHUB_COOKIE_HOST_PREFIX_ENABLED", "0");
        env.put("JUPYTERHUB_HOST", "");
        env.put("JUPYTERHUB_OAUTH_CALLBACK_URL", spec.oauthRedirectUri().isEmpty()
                ? "/services/" + spec.name() + "/oauth_callback" : spec.oauthRedirectUri());
        String access = new JsonArray().add("access:services").add("access:services!service=" + spec.name()).encode();
        env.put("JUPYTERHUB_OAUTH_SCOPES", access);
        env.put("JUPYTERHUB_OAUTH_ACCESS_SCOPES", access);
        env.put("JUPYTERHUB_OAUTH_CLIENT_ALLOWED_SCOPES", new JsonArray(spec.oauthClientAllowedScopes()).encode());
        env.put("JUPYTERHUB_USER", "");
        env.put("JUPYTERHUB_SERVER_NAME", "");
        env.put("JUPYTERHUB_API_URL", hubApiUrl);
        env.put("JUPYTERHUB_BASE_URL", "/");
        env.put("JUPYTERHUB_SERVICE_NAME", spec.name());
        String origin = origin(publicUrl);
        env.put("JUPYTERHUB_PUBLIC_HUB_URL", origin.isEmpty() ? "" : origin + "/hub/");
        env.put("JUPYTERHUB_PUBLIC_URL", origin.isEmpty() || spec.url().isEmpty() ? "" : origin + spec.prefix());
        if (!spec.url().isEmpty()) {
            env.put("JUPYTERHUB_SERVICE_URL", spec.url());
            env.put("JUPYTERHUB_SERVICE_PREFIX", spec.prefix());
        }
        env.putAll(spec.environment());
        return env;
    }

    /** {@code https://hub.example.org} from {@code https://hub.example.org/some/path/}. */
    static String origin(String publicUrl) {
        if (publicUrl.isEmpty()) {
            return "";
        }
        java.net.URI uri = java.net.URI.create(publicUrl);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
