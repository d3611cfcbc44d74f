package io.notebookhub.hub.servers;

import io.notebookhub.hub.paths.UrlPaths;
import java.util.LinkedHashMap;
import java.util.Map;

/** The environment JupyterHub gives a single-user server (the spawner adds JUPYTERHUB_SERVICE_URL). */
public final class ServerEnvironment {
    private ServerEnvironment() {
    }

    public static Map<String, String> of(String user, String serverName, String apiToken, String hubApiUrl,
                                         String publicUrl) {
        String prefix = UrlPaths.serverPrefix(user, serverName);
        String accessScopes = "[\"access:servers!server=" + jsonEscape(user) + "/" + jsonEscape(serverName)
                + "\", \"access:servers!user=" + jsonEscape(user) + "\"]";
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JUPYTERHUB_API_TOKEN", apiToken);
        env.put("JPY_API_TOKEN", apiToken);
        env.put("JUPYTERHUB_API_URL", hubApiUrl);
        env.put("JUPYTERHUB_ACTIVITY_URL", hubApiUrl + "/users/" + UrlPaths.escape(user) + "/activity");
        env.put("JUPYTERHUB_BASE_URL", "/");
        env.put("JUPYTERHUB_CLIENT_ID", UrlPaths.clientId(user, serverName));
        env.put("JUPYTERHUB_HOST", "");
        env.put("JUPYTERHUB_OAUTH_CALLBACK_URL", prefix + "oauth_callback");
        env.put("JUPYTERHUB_OAUTH_SCOPES", accessScopes);
        env.put("JUPYTERHUB_OAUTH_ACCESS_SCOPES", accessScopes);
        env.put("JUPYTERHUB_OAUTH_CLIENT_ALLOWED_SCOPES", "[]");
        env.put("JUPYTERHUB_USER", user);
        env.put("JUPYTERHUB_SERVER_NAME", serverName);
        env.put("JUPYTERHUB_SERVICE_PREFIX", prefix);
        if (!publicUrl.isEmpty()) {
            env.put("JUPYTERHUB_PUBLIC_URL", publicUrl + prefix);
            env.put("JUPYTERHUB_PUBLIC_HUB_URL", publicUrl + "/hub/");
        }
        return env;
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
