package io.notebookhub.hub.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.notebookhub.config.ConfigReader;
import io.notebookhub.hub.auth.RoleGrants;
import io.notebookhub.hub.auth.Scopes;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code hub.services} and {@code hub.load_roles}, JupyterHub's {@code c.JupyterHub.services} and
 * {@code c.JupyterHub.load_roles} as YAML lists. Every problem names the item and key, e.g.
 * {@code 'hub.services[1].url'}.
 */
public record ServicesConfig(List<ServiceSpec> services, RoleGrants roles) {
    public static final ServicesConfig NONE = new ServicesConfig(List.of(), RoleGrants.NONE);

    private static final Set<String> SERVICE_KEYS = Set.of("name", "url", "admin", "api_token", "oauth_client_id",
            "oauth_redirect_uri", "oauth_no_confirm", "oauth_client_allowed_scopes", "display", "info", "command",
            "environment", "cwd");
    private static final Set<String> ROLE_KEYS = Set.of("name", "description", "scopes", "users", "groups", "services");
    private static final Set<String> BUILT_IN_ROLES = Set.of("admin", "server", "token");

    public static ServicesConfig read(ConfigReader r) {
        List<ServiceSpec> services = new ArrayList<>();
        JsonNode list = r.tree("hub.services", "JupyterHub's services, managed (command) or external (url)");
        if (!list.isMissingNode() && !list.isArray()) {
            r.check(false, "hub.services", "must be a list of services (name, url, command, ...)");
        } else {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                ServiceSpec s = service(r, "hub.services[" + i + "]", list.get(i));
                if (s != null) {
                    r.check(names.add(s.name()), "hub.services[" + i + "].name", "'" + s.name() + "' is used twice");
                    services.add(s);
                }
            }
        }
        RoleGrants roles = roles(r, services.stream().map(ServiceSpec::name).toList());
        r.effective("hub.services", services.stream().map(s -> s.name() + " (" + s.kind()
                + (s.url().isEmpty() ? "" : ", " + s.url()) + ")").toList());
        r.effective("hub.load_roles", roles.roles().stream().map(RoleGrants.Role::name).toList());
        return new ServicesConfig(List.copyOf(services), roles);
    }

    private static ServiceSpec service(ConfigReader r, String at, JsonNode node) {
        if (!node.isObject()) {
            r.check(false, at, "must be a mapping with at least a name");
            return null;
        }
        unknownKeys(r, at, node, SERVICE_KEYS, "'user' (running a service as another OS account) is not supported");
        String name = text(node, "name");
        if (name.isEmpty() || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            r.check(false, at + ".name", "must be a name of letters, digits, '.', '_' and '-' (it becomes the URL "
                    + "/services/<name>/), not '" + name + "'");
            return null;
        }
        String url = text(node, "url");
        r.check(url.isEmpty() || httpUrl(url), at + ".url", "must be an http(s) URL with a host, such as "
                + "http://127.0.0.1:10101, not '" + url + "'");
        List<String> command = node.path("command").isTextual() ? List.of(node.get("command").asText())
                : strings(r, at + ".command", node.path("command"));
        String apiToken = text(node, "api_token");
        r.check(apiToken.isEmpty() || apiToken.length() >= 16, at + ".api_token", "must be at least 16 characters "
                + "(or leave it out: a managed service gets one generated)");
        String clientId = text(node, "oauth_client_id");
        r.check(clientId.isEmpty() || clientId.startsWith("service-"), at + ".oauth_client_id",
                "must start with 'service-', as JupyterHub requires, not '" + clientId + "'");
        String redirect = text(node, "oauth_redirect_uri");
        boolean oauthAsked = !clientId.isEmpty() || !redirect.isEmpty() || node.has("oauth_no_confirm");
        r.check(!oauthAsked || !url.isEmpty() || !redirect.isEmpty(), at + ".oauth_redirect_uri",
                "is required for OAuth when the service has no url");
        boolean hasSecret = !apiToken.isEmpty() || !command.isEmpty();
        r.check(!oauthAsked || hasSecret, at + ".api_token", "is required for OAuth by an external service: the "
                + "service's token is its OAuth client secret");
        if (redirect.isEmpty() && !url.isEmpty() && hasSecret) {
            redirect = "/services/" + name + "/oauth_callback";
        }
        List<String> allowed = strings(r, at + ".oauth_client_allowed_scopes", node.path("oauth_client_allowed_scopes"));
        allowed.forEach(s -> r.check(s.equals("inherit") || Scopes.valid(s), at + ".oauth_client_allowed_scopes",
                "has an unknown scope '" + s + "'"));
        String cwd = text(node, "cwd");
        r.check(cwd.isEmpty() || Files.isDirectory(Path.of(cwd)), at + ".cwd", "must be an existing folder, not '"
                + cwd + "'");
        r.check(!node.has("environment") || node.get("environment").isObject(), at + ".environment",
                "must be a mapping of variable names to values");
        Map<String, String> env = new LinkedHashMap<>();
        node.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        r.check(!node.has("info") || node.get("info").isObject(), at + ".info", "must be a mapping");
        @SuppressWarnings("unchecked")
        Map<String, Object> info = node.path("info").isObject()
                ? new ObjectMapper().convertValue(node.get("info"), Map.class) : Map.of();
        r.check(!command.isEmpty() || !url.isEmpty() || !apiToken.isEmpty(), at,
                "needs a command (managed), a url (external) or an api_token (an API client)");
        return new ServiceSpec(name, url, flag(r, at + ".admin", node, "admin", false), apiToken,
                clientId.isEmpty() ? "service-" + name : clientId, redirect,
                flag(r, at + ".oauth_no_confirm", node, "oauth_no_confirm", false), allowed,
                flag(r, at + ".display", node, "display", true), info, command, env,
                cwd.isEmpty() ? null : Path.of(cwd).toAbsolutePath());
    }

    private static RoleGrants roles(ConfigReader r, List<String> serviceNames) {
        JsonNode list = r.tree("hub.load_roles", "JupyterHub's roles for services, users and groups");
        if (list.isMissingNode()) {
            return RoleGrants.NONE;
        }
        if (!list.isArray()) {
            r.check(false, "hub.load_roles", "must be a list of roles (name, scopes, users, groups, services)");
            return RoleGrants.NONE;
        }
        List<RoleGrants.Role> roles = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "hub.load_roles[" + i + "]";
            JsonNode node = list.get(i);
            if (!node.isObject()) {
                r.check(false, at, "must be a mapping with a name and scopes");
                continue;
            }
            unknownKeys(r, at, node, ROLE_KEYS, null);
            String name = text(node, "name");
            r.check(!name.isEmpty(), at + ".name", "is required");
            r.check(!BUILT_IN_ROLES.contains(name), at + ".name", "'" + name + "' is a built-in role and cannot be "
                    + "redefined here (only 'user' can)");
            r.check(names.add(name), at + ".name", "'" + name + "' is used twice");
            List<String> scopes = strings(r, at + ".scopes", node.path("scopes"));
            scopes.forEach(s -> r.check(s.equals("self") || Scopes.valid(s), at + ".scopes",
                    "has an unknown scope '" + s + "'"));
            List<String> services = strings(r, at + ".services", node.path("services"));
            services.forEach(s -> r.check(serviceNames.contains(s), at + ".services",
                    "names '" + s + "', which is not in hub.services"));
            roles.add(new RoleGrants.Role(name, text(node, "description"), scopes,
                    strings(r, at + ".users", node.path("users")), strings(r, at + ".groups", node.path("groups")),
                    services));
        }
        return new RoleGrants(roles);
    }

    private static void unknownKeys(ConfigReader r, String at, JsonNode node, Set<String> known, String note) {
        node.fieldNames().forEachRemaining(k -> r.check(known.contains(k), at + "." + k, "is not a known key ("
                + String.join(", ", known.stream().sorted().toList()) + ")"
                + (note != null && k.equals("user") ? ": " + note : "")));
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.path(key);
        return v.isValueNode() ? v.asText().strip() : "";
    }

    private static boolean flag(ConfigReader r, String at, JsonNode node, String key, boolean defaultValue) {
        JsonNode v = node.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return defaultValue;
        }
        r.check(v.isBoolean(), at, "must be true or false, not '" + v.asText() + "'");
        return v.asBoolean(defaultValue);
    }

    private static List<String> strings(ConfigReader r, String at, JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            r.check(false, at, "must be a list");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        v.forEach(item -> out.add(item.asText()));
        return List.copyOf(out);
    }

    private static boolean httpUrl(String value) {
        try {
            URI uri = URI.create(value);
            return uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
