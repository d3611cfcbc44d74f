package io.notebookhub.hub.config;

import io.notebookhub.config.ConfigException;
import io.notebookhub.config.ConfigReader;
import io.notebookhub.config.Setting;
import io.notebookhub.config.SettingValues;
import io.notebookhub.culler.CullerConfig;
import io.notebookhub.profiles.InvalidProfilesException;
import io.notebookhub.profiles.ProfileError;
import io.notebookhub.profiles.ProfileOverrides;
import io.notebookhub.profiles.ProfileOverridesYaml;
import io.notebookhub.proxy.ProxySettings;
import io.notebookhub.spawner.kubernetes.KubernetesSpawnerConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The hub's whole configuration, typed and validated once at start-up.
 * Layers: defaults &lt; YAML file ({@code --config}) &lt; {@code NBHUB_*} environment variables.
 */
public record HubConfig(
        Hub hub,
        Db db,
        String adminToken,
        String logLevel,
        Proxy proxy,
        Spawner spawner,
        Auth auth,
        Culler culler,
        io.notebookhub.hub.config.ServicesConfig services,
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

    /**
     * Embedded: the proxy runs in this JVM. External: a proxy (ours or configurable-http-proxy) at apiUrl.
     *
     * @param options the embedded proxy's own settings ({@link ProxySettings}), of which ip to timeouts are a part
     */
    public record Proxy(String mode, String ip, int port, String apiIp, int apiPort, String apiUrl, String authToken,
                        Duration checkRoutesInterval, ClientTimeouts timeouts, SettingValues options) {
        public boolean embedded() {
            return "embedded".equals(mode);
        }
    }

    /**
     * @param profileDefaults the global level of profile overrides ({@code spawner.profile_defaults}, with the same
     *     keys as a profile: image, cpu, memory, env, ...); every profile and option choice overrides it
     */
    public record Spawner(String type, Duration startTimeout, Local local, KubernetesSpawnerConfig kubernetes,
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

    /** The idle culler: whether it runs, and its own settings ({@link CullerConfig#SETTINGS} under culler). */
    public record Culler(boolean enabled, CullerConfig policy) {}

    private static final Set<String> AUTH_TYPES = Set.of("dev", "oidc", "github", "google", "gitlab", "azuread", "keycloak");

    /** Reads and validates; throws {@link ConfigException} listing every problem. */
    public static HubConfig load(Path file, Map<String, String> env) {
        return from(ConfigReader.of(file, env));
    }

    /** Every setting of the hub and the components it composes, sorted by key: what {@code config reference} shows. */
    public static List<Setting<?>> reference() {
        ConfigReader r = ConfigReader.of(null, Map.of());
        from(r);
        return r.settings();
    }

    static HubConfig from(ConfigReader r) {
        Duration noLimit = Duration.ZERO;
        Hub hub = new Hub(
                r.string("hub.ip", "127.0.0.1", "where the hub's own HTTP server listens"),
                r.port("hub.port", 8081, "the hub's own HTTP port"),
                r.string("hub.connect_url", "", "how servers reach the hub API; empty: http://<ip>:<port>"),
                r.string("hub.public_url", "", "the public URL, when behind a load balancer"),
                Path.of(r.string("hub.data_dir", "data", "folder of the embedded store and local users' files")),
                r.secret("hub.cookie_secret", "",
                        "64 hex characters signing cookies; empty: generated once and kept in the store"),
                Path.of(r.string("hub.profiles_dir", "profiles", "folder of the profile YAML files")),
                r.list("hub.admin_users", List.of(), "users who are admins"),
                r.duration("hub.cookie_max_age", Duration.ofDays(14), Duration.ofMinutes(1),
                        "how long a login session lasts"),
                r.bool("hub.authenticate_prometheus", true,
                        "/hub/metrics needs a token with read:metrics (false: open)"),
                r.stringMap("hub.headers", "response headers over the safe defaults; an empty value removes one"),
                new ClientTimeouts(
                        r.duration("hub.headers_timeout", Duration.ofSeconds(60), noLimit,
                                "how long a client may take to send a request's head (0: no limit)"),
                        r.duration("hub.request_timeout", Duration.ofSeconds(300), noLimit,
                                "how long a client may take to send a whole request (0: no limit)"),
                        r.duration("hub.idle_timeout", Duration.ofSeconds(600), noLimit,
                                "how long a connection to the hub may stay silent (0: no limit)")),
                r.string("hub.logo_file", "", "the image at /hub/logo; empty: the jar's own"),
                r.list("hub.template_paths", List.of(),
                        "folders of page templates searched before the built-in ones (JupyterHub's template_paths)")
                        .stream().map(Path::of).toList(),
                r.stringMap("hub.template_vars",
                        "variables passed to every page template, e.g. announcement (JupyterHub's template_vars)"));
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
        Db db = new Db(
                r.string("hub.db.url", "", "empty: the embedded store in hub.data_dir; or postgresql://user@host:5432/db"),
                r.secret("hub.db.password", "", "the database password (better: NBHUB_HUB_DB_PASSWORD or password_file)"),
                r.string("hub.db.password_file", "", "a file holding the database password, e.g. a mounted Secret"));
        checkDbUrl(r, db.url());
        r.check(db.password().isEmpty() || db.passwordFile().isEmpty(), "hub.db.password",
                "and hub.db.password_file are both set: give one");
        String logLevel = r.oneOf("log_level", "INFO", Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR"), "the hub's log level");
        String adminToken = r.secret("admin_token", "", "an API token with the admin role (automation, tests)");
        r.check(adminToken.isEmpty() || adminToken.length() >= 16, "admin_token", "must be at least 16 characters");

        String proxyMode = r.oneOf("proxy.mode", "embedded", Set.of("embedded", "external"),
                "embedded: the proxy runs in the hub's JVM; external: a proxy at proxy.api_url");
        String proxyApiUrl = r.string("proxy.api_url", "", "the route API of an external proxy");
        String proxyToken = r.secret("proxy.auth_token", "", "CONFIGPROXY_AUTH_TOKEN of the proxy's route API");
        Duration checkRoutes = r.duration("proxy.check_routes_interval", Duration.ofSeconds(60), Duration.ofSeconds(1),
                "time between checks of the proxy's routes");
        SettingValues proxyOptions = r.section("proxy", ProxySettings.SETTINGS.all());
        Proxy proxy = new Proxy(proxyMode, proxyOptions.get(ProxySettings.IP), proxyOptions.get(ProxySettings.PORT),
                proxyOptions.get(ProxySettings.API_IP), proxyOptions.get(ProxySettings.API_PORT), proxyApiUrl,
                proxyToken, checkRoutes, new ClientTimeouts(proxyOptions.get(ProxySettings.HEADERS_TIMEOUT),
                        proxyOptions.get(ProxySettings.REQUEST_TIMEOUT), proxyOptions.get(ProxySettings.TIMEOUT)),
                proxyOptions);
        checkUrl(r, "proxy.api_url", proxy.apiUrl());
        r.check(proxy.embedded() || !proxy.apiUrl().isEmpty(), "proxy.api_url", "is required when proxy.mode is external");

        List<String> command = r.list("spawner.local.command", List.of(), "the single-user server command; empty: "
                + ".tools/jupyter/bin/jupyterhub-singleuser when present, else jupyterhub-singleuser on PATH");
        Local local = new Local(
                command.isEmpty() ? DefaultServerCommand.in(Path.of("")) : command,
                r.bool("spawner.local.allow_root", true,
                        "pass --allow-root when the hub runs as root and no run_as_user is set"),
                r.string("spawner.local.run_as_user", "", "every server as this one OS account (hub runs as root)"),
                r.stringMap("spawner.local.environment", "extra environment of local servers"),
                r.bool("spawner.local.create_system_users", false,
                        "each user's server as an OS account of their own, created on first spawn"),
                r.string("spawner.local.system_user_pattern", "nb-{username}",
                        "name of those OS accounts; {username} is the user's name"));
        r.check(local.systemUserPattern().contains("{username}")
                        && local.systemUserPattern().matches("[a-z_][a-z0-9_-]*\\{username}[a-z0-9_-]*"),
                "spawner.local.system_user_pattern", "must contain {username} and otherwise only a-z, 0-9, '_' and "
                        + "'-', starting with a letter or '_', e.g. nb-{username}");
        Spawner spawner = new Spawner(
                r.oneOf("spawner.type", "local", Set.of("local", "kubernetes"),
                        "local: processes on this machine; kubernetes: a pod per server"),
                r.duration("spawner.start_timeout", Duration.ofSeconds(120), Duration.ofSeconds(1),
                        "how long a server may take to start; a profile's start_timeout wins"),
                local,
                kubernetes(r),
                profileDefaults(r));

        Auth auth = new Auth(
                r.oneOf("auth.type", "dev", AUTH_TYPES,
                        "dev: the development login; else the identity provider"),
                r.string("auth.client_id", "",
                        "the OAuth client id at the identity provider"),
                r.secret("auth.client_secret", "",
                        "the OAuth client secret (better: NBHUB_AUTH_CLIENT_SECRET or client_secret_file)"),
                r.string("auth.client_secret_file", "",
                        "a file holding the OAuth client secret"),
                r.string("auth.issuer_url", "",
                        "the provider's issuer URL (oidc, keycloak)"),
                r.string("auth.callback_url", "",
                        "the OAuth callback URL; empty: derived from the public URL"),
                r.list("auth.scopes", List.of(),
                        "OAuth scopes asked for; empty: the provider's usual ones"),
                r.string("auth.username_claim", "",
                        "the claim that names the user; empty: the provider's usual one"),
                r.string("auth.groups_claim", "groups",
                        "the claim that lists the user's groups"),
                r.bool("auth.strip_domain", false,
                        "drop @domain from user names"),
                r.list("auth.allowed_users", List.of(),
                        "users allowed to log in"),
                r.list("auth.allowed_groups", List.of(),
                        "groups whose members may log in"),
                r.list("auth.blocked_users", List.of(),
                        "users never allowed to log in"),
                r.list("auth.admin_users", List.of(),
                        "users made admins at login"),
                r.list("auth.admin_groups", List.of(),
                        "groups whose members are admins"),
                r.bool("auth.allow_all", false,
                        "every user the provider authenticates may log in"),
                r.bool("auth.pass_auth_state_to_server", false,
                        "pass the provider's tokens to the user's server environment"),
                r.string("auth.logout_url", "",
                        "where logout sends the browser after the hub's own logout"),
                r.string("auth.tenant_id", "",
                        "the Azure AD directory (tenant) id"),
                r.string("auth.authorize_url", "",
                        "the provider's authorization endpoint, when not discovered"),
                r.string("auth.token_url", "",
                        "the provider's token endpoint, when not discovered"),
                r.string("auth.userinfo_url", "",
                        "the provider's userinfo endpoint, when not discovered"),
                r.string("auth.realm", "",
                        "the Keycloak realm"),
                r.string("auth.github_org", "",
                        "GitHub organisation whose members may log in"),
                r.string("auth.gitlab_url", "https://gitlab.com",
                        "the GitLab instance"),
                r.bool("auth.end_provider_session", false,
                        "logout also ends the provider's session"),
                r.secret("auth.crypt_key", "",
                        "64 hex characters encrypting stored auth state (the provider's tokens)"),
                r.bool("auth.auto_login", false,
                        "skip the login page and go to the provider at once"),
                r.string("auth.login_service", "",
                        "the provider's name on the login button"),
                r.list("auth.allowed_domains", List.of(),
                        "e-mail domains whose users may log in"));
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

        Culler culler = new Culler(r.bool("culler.enabled", true, "whether the hub runs the idle culler"),
                culler(r));

        io.notebookhub.hub.config.ServicesConfig services = io.notebookhub.hub.config.ServicesConfig.read(r);

        r.finish();
        return new HubConfig(hub, db, adminToken, logLevel, proxy, spawner, auth, culler, services, r.effectiveRedacted());
    }

    /** The Kubernetes spawner's own settings ({@link KubernetesSpawnerConfig#SETTINGS}) under spawner.kubernetes. */
    private static KubernetesSpawnerConfig kubernetes(ConfigReader r) {
        return component(r, "spawner.kubernetes", KubernetesSpawnerConfig.SETTINGS.all(), KubernetesSpawnerConfig::of);
    }

    private static CullerConfig culler(ConfigReader r) {
        return component(r, "culler", CullerConfig.SETTINGS.all(), CullerConfig::of);
    }

    /** A component's configuration from its settings under {@code prefix}; its cross-field checks become problems. */
    private static <C> C component(ConfigReader r, String prefix, List<Setting<?>> settings,
                                   Function<SettingValues, C> build) {
        SettingValues values = r.section(prefix, settings);
        try {
            return build.apply(values);
        } catch (IllegalArgumentException e) {
            r.check(false, prefix, e.getMessage());
            return build.apply(SettingValues.defaults());
        }
    }

    private static ProfileOverrides profileDefaults(ConfigReader r) {
        String path = "spawner.profile_defaults";
        try {
            return ProfileOverridesYaml.parse(path, r.yamlTree(path, "the global level of profile overrides "
                    + "(image, cpu, memory, env, ...: the keys of a profile); profiles and options override it"));
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
