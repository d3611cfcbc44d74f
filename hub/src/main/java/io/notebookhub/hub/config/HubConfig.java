package io.notebookhub.hub.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.notebookhub.profiles.InvalidProfilesException;
import io.notebookhub.profiles.ProfileError;
import io.notebookhub.profiles.ProfileOverrides;
import io.notebookhub.profiles.ProfileOverridesYaml;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The hub's whole configuration, typed and validated once at start-up.
 * Layers: defaults &lt; YAML file ({@code --config}) &lt; {@code NBHUB_*} environment variables.
 */
public record HubConfig(
        Hub hub,
        Db db,
        String adminToken,
        Proxy proxy,
        Spawner spawner,
        Auth auth,
        Culler culler,
        io.notebookhub.hub.services.ServicesConfig services,
        Map<String, Object> effectiveRedacted) {

    /**
     * @param authenticatePrometheus JupyterHub's: /hub/metrics needs the read:metrics scope unless false
     * @param headers response headers on every hub page and API answer, over the safe defaults (JupyterHub's
     *     {@code tornado_settings['headers']}); an empty value removes a default
     * @param logoFile the image served at /hub/logo (JupyterHub's logo_file); empty for the one in the jar
     * @param templatePaths folders of page templates searched before the built-in ones (JupyterHub's template_paths)
     * @param templateVars variables passed to every page template, e.g. {@code announcement} (JupyterHub's)
     */
    public record Hub(String ip, int port, String connectUrl, String publicUrl, Path dataDir, String cookieSecret,
                      Path profilesDir, List<String> adminUsers, Duration cookieMaxAge,
                      boolean authenticatePrometheus, Map<String, String> headers, ClientTimeouts timeouts,
                      String logoFile, List<Path> templatePaths, Map<String, String> templateVars) {}

    /**
     * How long a client of a listener may take (slowloris): to send a request's head, to send a whole request, and
     * to stay silent on an open connection. Zero means no limit.
     */
    public record ClientTimeouts(Duration headers, Duration request, Duration idle) {}

    /**
     * Where the hub's state lives: empty {@code url} is the embedded store in {@code hub.data_dir}; otherwise a
     * PostgreSQL database ({@code postgresql://user@host:port/db} or a {@code jdbc:postgresql:} URL).
     *
     * @param password from {@code NBHUB_HUB_DB_PASSWORD} (or the config file; {@code password_file} is better)
     * @param passwordFile a file holding the password, e.g. a mounted Kubernetes Secret
     */
    public record Db(String url, String password, String passwordFile) {
        public boolean embedded() {
            return url.isEmpty();
        }
    }

    /** Embedded: the proxy runs in this JVM. External: a proxy (ours or configurable-http-proxy) at apiUrl. */
    public record Proxy(String mode, String ip, int port, String apiIp, int apiPort, String apiUrl, String authToken,
                        Duration checkRoutesInterval, ClientTimeouts timeouts) {
        public boolean embedded() {
            return "embedded".equals(mode);
        }
    }

    /**
     * @param profileDefaults the global level of profile overrides ({@code spawner.profile_defaults}, with the same
     *     keys as a profile: image, cpu, memory, env, ...); every profile and option choice overrides it
     */
    public record Spawner(String type, Duration startTimeout, Local local, Map<String, Object> kubernetes,
                          ProfileOverrides profileDefaults) {}

    /**
     * The local-process spawner.
     *
     * @param command the single-user server command
     * @param allowRoot pass {@code --allow-root} when the hub runs as root and no runAsUser is set
     * @param runAsUser when set (and the hub is root), servers run as this unprivileged OS user
     */
    public record Local(List<String> command, boolean allowRoot, String runAsUser, Map<String, String> environment,
                        boolean createSystemUsers, String systemUserPattern) {}

    public record Auth(String type, String clientId, String clientSecret, String clientSecretFile, String issuerUrl,
                       String callbackUrl, List<String> scopes, String usernameClaim, String groupsClaim,
                       boolean stripDomain, List<String> allowedUsers, List<String> allowedGroups,
                       List<String> blockedUsers, List<String> adminUsers, List<String> adminGroups,
                       boolean allowAll, boolean passAuthStateToServer, String logoutUrl, String tenantId,
                       String authorizeUrl, String tokenUrl, String userinfoUrl, String realm, String githubOrg,
                       String gitlabUrl, boolean endProviderSession, String cryptKey, boolean autoLogin,
                       String loginService, List<String> allowedDomains) {
        public boolean dev() {
            return "dev".equals(type);
        }
    }

    /** The idle culler; {@code exempt} lists users ({@code alice}) or servers ({@code alice/gpu}) never culled. */
    public record Culler(boolean enabled, Duration timeout, Duration every, Duration maxAge, boolean cullUsers,
                         boolean removeNamedServers, int concurrency, boolean cullAdminUsers, String policy,
                         List<String> exempt) {}

    private static final Set<String> AUTH_TYPES = Set.of("dev", "oidc", "github", "google", "gitlab", "azuread", "keycloak");

    /** Reads and validates; throws {@link ConfigException} listing every problem. */
    public static HubConfig load(Path file, Map<String, String> env) {
        JsonNode tree = null;
        String source = "defaults";
        if (file != null) {
            source = file.toString();
            try {
                tree = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
            }
        }
        return from(new ConfigReader(tree, env, source));
    }

    static HubConfig from(ConfigReader r) {
        Hub hub = new Hub(
                r.string("hub.ip", "127.0.0.1"),
                r.port("hub.port", 8081),
                r.string("hub.connect_url", ""),
                r.string("hub.public_url", ""),
                Path.of(r.string("hub.data_dir", "data")),
                r.secret("hub.cookie_secret", ""),
                Path.of(r.string("hub.profiles_dir", "profiles")),
                r.list("hub.admin_users", List.of()),
                r.seconds("hub.cookie_max_age", 14 * 24 * 3600, 60),
                r.bool("hub.authenticate_prometheus", true),
                r.stringMap("hub.headers"),
                new ClientTimeouts(r.seconds("hub.headers_timeout", 60, 0), r.seconds("hub.request_timeout", 300, 0),
                        r.seconds("hub.idle_timeout", 600, 0)),
                r.string("hub.logo_file", ""),
                r.list("hub.template_paths", List.of()).stream().map(Path::of).toList(),
                r.stringMap("hub.template_vars"));
        checkUrl(r, "hub.connect_url", hub.connectUrl());
        checkUrl(r, "hub.public_url", hub.publicUrl());
        r.check(hub.logoFile().isEmpty() || Files.isRegularFile(Path.of(hub.logoFile()))
                && Files.isReadable(Path.of(hub.logoFile())), "hub.logo_file",
                "must be a readable image file, not '" + hub.logoFile() + "'");
        for (Path folder : hub.templatePaths()) {
            r.check(Files.isDirectory(folder) && Files.isReadable(folder), "hub.template_paths",
                    "must list readable folders of templates; '" + folder + "' is not one");
        }
        r.check(hub.cookieSecret().isEmpty() || hub.cookieSecret().matches("[0-9a-fA-F]{64}"), "hub.cookie_secret",
                "must be 64 hexadecimal characters (32 bytes), e.g. from `openssl rand -hex 32`");
        Db db = new Db(r.string("hub.db.url", ""), r.secret("hub.db.password", ""),
                r.string("hub.db.password_file", ""));
        checkDbUrl(r, db.url());
        r.check(db.password().isEmpty() || db.passwordFile().isEmpty(), "hub.db.password",
                "and hub.db.password_file are both set: give one");
        r.oneOf("log_level", "INFO", Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR"));
        String adminToken = r.secret("admin_token", "");
        r.check(adminToken.isEmpty() || adminToken.length() >= 16, "admin_token", "must be at least 16 characters");

        Proxy proxy = new Proxy(
                r.oneOf("proxy.mode", "embedded", Set.of("embedded", "external")),
                r.string("proxy.ip", "127.0.0.1"),
                r.port("proxy.port", 8000),
                r.string("proxy.api_ip", "127.0.0.1"),
                r.port("proxy.api_port", 8001),
                r.string("proxy.api_url", ""),
                r.secret("proxy.auth_token", ""),
                r.seconds("proxy.check_routes_interval", 60, 1),
                // Node's headersTimeout and requestTimeout, which configurable-http-proxy inherits; CHP's --timeout.
                new ClientTimeouts(r.seconds("proxy.headers_timeout", 60, 0), r.seconds("proxy.request_timeout", 300, 0),
                        r.seconds("proxy.timeout", 0, 0)));
        checkUrl(r, "proxy.api_url", proxy.apiUrl());
        r.check(proxy.embedded() || !proxy.apiUrl().isEmpty(), "proxy.api_url", "is required when proxy.mode is external");

        Local local = new Local(
                r.list("spawner.local.command", DefaultServerCommand.in(Path.of(""))),
                r.bool("spawner.local.allow_root", true),
                r.string("spawner.local.run_as_user", ""),
                r.stringMap("spawner.local.environment"),
                r.bool("spawner.local.create_system_users", false),
                r.string("spawner.local.system_user_pattern", "nb-{username}"));
        r.check(!local.command().isEmpty(), "spawner.local.command", "must name the single-user server command");
        r.check(local.systemUserPattern().contains("{username}")
                        && local.systemUserPattern().matches("[a-z_][a-z0-9_-]*\\{username}[a-z0-9_-]*"),
                "spawner.local.system_user_pattern", "must contain {username} and otherwise only a-z, 0-9, '_' and "
                        + "'-', starting with a letter or '_', e.g. nb-{username}");
        Spawner spawner = new Spawner(
                r.oneOf("spawner.type", "local", Set.of("local", "kubernetes")),
                r.seconds("spawner.start_timeout", 120, 1),
                local,
                KubernetesKeys.read(r),
                profileDefaults(r));

        Auth auth = new Auth(
                r.oneOf("auth.type", "dev", AUTH_TYPES),
                r.string("auth.client_id", ""),
                r.secret("auth.client_secret", ""),
                r.string("auth.client_secret_file", ""),
                r.string("auth.issuer_url", ""),
                r.string("auth.callback_url", ""),
                r.list("auth.scopes", List.of()),
                r.string("auth.username_claim", ""),
                r.string("auth.groups_claim", "groups"),
                r.bool("auth.strip_domain", false),
                r.list("auth.allowed_users", List.of()),
                r.list("auth.allowed_groups", List.of()),
                r.list("auth.blocked_users", List.of()),
                r.list("auth.admin_users", List.of()),
                r.list("auth.admin_groups", List.of()),
                r.bool("auth.allow_all", false),
                r.bool("auth.pass_auth_state_to_server", false),
                r.string("auth.logout_url", ""),
                r.string("auth.tenant_id", ""),
                r.string("auth.authorize_url", ""),
                r.string("auth.token_url", ""),
                r.string("auth.userinfo_url", ""),
                r.string("auth.realm", ""),
                r.string("auth.github_org", ""),
                r.string("auth.gitlab_url", "https://gitlab.com"),
                r.bool("auth.end_provider_session", false),
                r.secret("auth.crypt_key", ""),
                r.bool("auth.auto_login", false),
                r.string("auth.login_service", ""),
                r.list("auth.allowed_domains", List.of()));
        checkUrl(r, "auth.issuer_url", auth.issuerUrl());
        checkUrl(r, "auth.callback_url", auth.callbackUrl());
        checkUrl(r, "auth.authorize_url", auth.authorizeUrl());
        checkUrl(r, "auth.token_url", auth.tokenUrl());
        checkUrl(r, "auth.userinfo_url", auth.userinfoUrl());
        checkUrl(r, "auth.logout_url", auth.logoutUrl());
        checkUrl(r, "auth.gitlab_url", auth.gitlabUrl());
        r.check(auth.dev() || !auth.clientId().isEmpty(), "auth.client_id", "is required when auth.type is " + auth.type());
        r.check(!(auth.type().equals("oidc") && auth.issuerUrl().isEmpty()), "auth.issuer_url",
                "is required when auth.type is oidc (the provider's issuer, e.g. https://idp.example.org/realms/x)");
        r.check(!(auth.type().equals("keycloak") && auth.issuerUrl().isEmpty()), "auth.issuer_url",
                "is required when auth.type is keycloak (Keycloak's base URL, with auth.realm, or the realm's issuer)");
        r.check(!(auth.type().equals("azuread") && auth.tenantId().isEmpty()), "auth.tenant_id",
                "is required when auth.type is azuread (the directory (tenant) ID)");
        r.check(auth.dev() || auth.type().equals("oidc") || auth.type().equals("keycloak")
                        || !auth.clientSecret().isEmpty() || !auth.clientSecretFile().isEmpty(), "auth.client_secret",
                "is required when auth.type is " + auth.type() + ": set NBHUB_AUTH_CLIENT_SECRET or "
                        + "auth.client_secret_file rather than writing it into the config file");
        r.check(!auth.dev() || (auth.clientId().isEmpty() && auth.issuerUrl().isEmpty()), "auth.type",
                "must name the identity provider (oidc, keycloak, github, google, gitlab, azuread) when "
                        + "auth.client_id or auth.issuer_url is set: the development login is only for hubs without one");
        r.check(auth.cryptKey().isEmpty() || auth.cryptKey().matches("[0-9a-fA-F]{64}"), "auth.crypt_key",
                "must be 64 hexadecimal characters (32 bytes), e.g. from `openssl rand -hex 32`");

        Culler culler = new Culler(
                r.bool("culler.enabled", true),
                r.seconds("culler.timeout", 3600, 1),
                r.seconds("culler.every", 300, 1),
                r.seconds("culler.max_age", 0, 0),
                r.bool("culler.cull_users", false),
                r.bool("culler.remove_named_servers", false),
                r.integer("culler.concurrency", 10, 1, 1000),
                r.bool("culler.cull_admin_users", true),
                r.oneOf("culler.policy", "activity", Set.of("activity", "traffic")),
                r.list("culler.exempt", List.of()));

        io.notebookhub.hub.services.ServicesConfig services = io.notebookhub.hub.services.ServicesConfig.read(r);

        r.finish();
        return new HubConfig(hub, db, adminToken, proxy, spawner, auth, culler, services, r.effectiveRedacted());
    }

    private static ProfileOverrides profileDefaults(ConfigReader r) {
        String path = "spawner.profile_defaults";
        try {
            return ProfileOverridesYaml.parse(path, r.yamlTree(path));
        } catch (InvalidProfilesException e) {
            r.check(false, path, "is not valid: " + e.errors().stream().map(ProfileError::message)
                    .collect(Collectors.joining("; ")));
            return ProfileOverrides.NONE;
        }
    }

    private static void checkDbUrl(ConfigReader r, String value) {
        if (value.isEmpty()) {
            return;
        }
        String rest = value.replaceFirst("^(jdbc:)?postgres(ql)?://", "");
        r.check(!rest.equals(value), "hub.db.url", "must be a PostgreSQL URL (postgresql://user@host:5432/db or "
                + "jdbc:postgresql://host:5432/db?user=hub), or empty for the embedded store, not '" + value + "'");
        int at = rest.indexOf('@');
        int slash = rest.indexOf('/');
        boolean passwordInUserInfo = at > 0 && (slash < 0 || at < slash) && rest.substring(0, at).contains(":");
        r.check(!passwordInUserInfo && !rest.toLowerCase(java.util.Locale.ROOT).contains("password="), "hub.db.url",
                "must not carry the password: give it as NBHUB_HUB_DB_PASSWORD or in hub.db.password_file");
    }

    private static void checkUrl(ConfigReader r, String path, String value) {
        if (value.isEmpty()) {
            return;
        }
        boolean ok;
        try {
            URI uri = URI.create(value);
            ok = uri.getScheme() != null && uri.getHost() != null
                    && (uri.getScheme().equals("http") || uri.getScheme().equals("https"));
        } catch (IllegalArgumentException e) {
            ok = false;
        }
        r.check(ok, path, "must be an http(s) URL with a host, not '" + value + "'");
    }

    /** The URL single-user servers use to reach the hub's API. */
    public String hubConnectUrl() {
        if (!hub.connectUrl().isEmpty()) {
            return stripSlash(hub.connectUrl());
        }
        String host = hub.ip().equals("0.0.0.0") ? "127.0.0.1" : hub.ip();
        return "http://" + host + ":" + hub.port();
    }

    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
