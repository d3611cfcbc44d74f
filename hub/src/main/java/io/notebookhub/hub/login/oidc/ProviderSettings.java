package io.notebookhub.hub.login.oidc;

import io.notebookhub.config.ConfigException;
import io.notebookhub.hub.config.HubConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * One provider's endpoints and defaults, from {@code auth.type} and the {@code auth.*} keys. Every type but
 * GitHub is OpenID Connect, found by discovery from its issuer; explicit {@code authorize_url}, {@code token_url}
 * and {@code userinfo_url} replace discovered endpoints (for providers reached under another address).
 *
 * @param issuer the OIDC issuer (no trailing slash), or empty for GitHub's plain OAuth 2
 * @param validateIssuer whether discovery must name exactly this issuer (Entra ID's multi-tenant documents do not)
 * @param groupSource where groups come from: the ID token's claim, or GitHub's or GitLab's API
 * @param apiUrl GitHub's API base or GitLab's base URL, for group look-ups
 */
record ProviderSettings(String type, String displayName, String issuer, boolean validateIssuer, String authorizeUrl,
                        String tokenUrl, String userinfoUrl, List<String> scopes, String usernameClaim,
                        String groupsClaim, GroupSource groupSource, String apiUrl) {

    enum GroupSource { CLAIM, GITHUB, GITLAB }

    boolean oidc() {
        return !issuer.isEmpty();
    }

    static ProviderSettings from(HubConfig.Auth a) {
        boolean groups = !a.allowedGroups().isEmpty() || !a.adminGroups().isEmpty();
        String claim = a.usernameClaim();
        String name = a.loginService();
        return switch (a.type()) {
            case "oidc" -> oidc(a, "oidc", or(name, "OpenID Connect"), strip(a.issuerUrl()), true,
                    or(claim, "preferred_username"), List.of("openid", "profile", "email"), GroupSource.CLAIM, "");
            case "keycloak" -> oidc(a, "keycloak", or(name, "Keycloak"), keycloakIssuer(a), true,
                    or(claim, "preferred_username"), List.of("openid", "profile", "email"), GroupSource.CLAIM, "");
            case "google" -> oidc(a, "google", or(name, "Google"),
                    a.issuerUrl().isEmpty() ? "https://accounts.google.com" : strip(a.issuerUrl()), true,
                    or(claim, "email"), List.of("openid", "profile", "email"), GroupSource.CLAIM, "");
            case "azuread" -> oidc(a, "azuread", or(name, "Microsoft Entra ID"), a.issuerUrl().isEmpty()
                            ? "https://login.microsoftonline.com/" + a.tenantId() + "/v2.0" : strip(a.issuerUrl()),
                    false, or(claim, "preferred_username"), List.of("openid", "profile", "email"),
                    GroupSource.CLAIM, "");
            case "gitlab" -> {
                List<String> scopes = new ArrayList<>(List.of("openid", "profile", "email"));
                if (groups) {
                    scopes.add("read_api");
                }
                String base = strip(a.gitlabUrl());
                yield oidc(a, "gitlab", or(name, "GitLab"), a.issuerUrl().isEmpty() ? base : strip(a.issuerUrl()),
                        true, or(claim, "nickname"), scopes, groups ? GroupSource.GITLAB : GroupSource.CLAIM, base);
            }
            case "github" -> {
                List<String> scopes = new ArrayList<>(List.of("read:user"));
                if (groups || !a.githubOrg().isEmpty()) {
                    scopes.add("read:org");
                }
                String userinfo = or(a.userinfoUrl(), "https://api.github.com/user");
                yield new ProviderSettings("github", or(name, "GitHub"), "", false,
                        or(a.authorizeUrl(), "https://github.com/login/oauth/authorize"),
                        or(a.tokenUrl(), "https://github.com/login/oauth/access_token"), userinfo,
                        a.scopes().isEmpty() ? List.copyOf(scopes) : a.scopes(), or(claim, "login"),
                        or(a.groupsClaim(), "groups"), GroupSource.GITHUB,
                        userinfo.endsWith("/user") ? userinfo.substring(0, userinfo.length() - 5) : userinfo);
            }
            default -> throw new ConfigException("'auth.type' " + a.type() + " is not an identity provider");
        };
    }

    private static ProviderSettings oidc(HubConfig.Auth a, String type, String display, String issuer,
                                         boolean validateIssuer, String usernameClaim, List<String> defaultScopes,
                                         GroupSource source, String apiUrl) {
        List<String> scopes = a.scopes().isEmpty() ? defaultScopes : a.scopes();
        if (!scopes.contains("openid")) {
            List<String> withOpenid = new ArrayList<>(scopes);
            withOpenid.add(0, "openid");
            scopes = withOpenid;
        }
        return new ProviderSettings(type, display, issuer, validateIssuer, a.authorizeUrl(), a.tokenUrl(),
                a.userinfoUrl(), List.copyOf(scopes), usernameClaim, or(a.groupsClaim(), "groups"), source, apiUrl);
    }

    /** Keycloak's issuer is {@code BASE/realms/REALM}; either may be given whole in issuer_url. */
    private static String keycloakIssuer(HubConfig.Auth a) {
        String url = strip(a.issuerUrl());
        if (url.contains("/realms/")) {
            return url;
        }
        if (a.realm().isEmpty()) {
            throw new ConfigException("'auth.realm' is required when auth.type is keycloak and auth.issuer_url "
                    + "is Keycloak's base URL (or give the realm's issuer URL, ending in /realms/NAME)");
        }
        return url + "/realms/" + a.realm();
    }

    private static String or(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }

    static String strip(String url) {
        String u = url == null ? "" : url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }
}
