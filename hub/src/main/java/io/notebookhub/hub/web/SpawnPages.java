package io.notebookhub.hub.web;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.paths.UrlPaths;
import io.notebookhub.hub.servers.ServerManager;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.hub.store.UserRecord;
import io.notebookhub.hub.users.UserNames;
import io.notebookhub.hub.users.Users;
import io.notebookhub.hub.web.ErrorHandling;
import io.notebookhub.profiles.Profile;
import io.notebookhub.profiles.ProfileCatalog;
import io.notebookhub.profiles.ProfileOption;
import io.notebookhub.profiles.ProfileOverrides;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The spawn page (profiles this user may use, with their options) and the progress page after it. */
public final class SpawnPages {
    static final String UNLISTED = "__unlisted__";

    private final Users users;
    private final HubStore store;
    private final ServerManager servers;
    private final ProfileCatalog profiles;
    private final RequestAuth auth;

    public SpawnPages(Users users, HubStore store, ServerManager servers, ProfileCatalog profiles, RequestAuth auth) {
        this.users = users;
        this.store = store;
        this.servers = servers;
        this.profiles = profiles;
        this.auth = auth;
    }

    public void mount(Router router) {
        for (String path : List.of("/hub/spawn", "/hub/spawn/:user", "/hub/spawn/:user/:server")) {
            router.get(path).blockingHandler(this::form, false);
            router.post(path).blockingHandler(this::submit, false);
        }
        router.get("/hub/spawn-pending/:user").blockingHandler(this::pending, false);
        router.get("/hub/spawn-pending/:user/:server").blockingHandler(this::pending, false);
    }

    /** The user a page is about (the caller unless an admin named another) and the caller. */
    private record Target(Principal caller, UserRecord user, String server) {}

    private Target target(RoutingContext ctx) {
        Principal p = Pages.requireLogin(ctx);
        if (p == null) {
            return null;
        }
        String name = ctx.pathParam("user") == null ? p.name() : ctx.pathParam("user");
        String server = ctx.pathParam("server") == null ? "" : ctx.pathParam("server");
        UserNames.serverNameProblem(server).ifPresent(problem -> {
            throw HttpError.badRequest("Invalid server name '" + server + "': " + problem);
        });
        UserRecord u = users.find(name).orElseThrow(() -> HttpError.notFound("No such user: " + name));
        if (!p.scopes().allowsServer("servers", name, server, u.groups())) {
            throw HttpError.forbidden(p.name() + " may not start servers for " + name);
        }
        return new Target(p, u, server);
    }

    private void form(RoutingContext ctx) {
        Target t = target(ctx);
        if (t != null) {
            ServerRecord s = store.server(t.user.name(), t.server).orElse(null);
            if (s != null && ServerRecord.RUNNING.equals(s.status())) {
                ctx.redirect(UrlPaths.safeNext(ctx.request().getParam("next"), UrlPaths.serverPrefix(t.user.name(), t.server)));
                return;
            }
            if (s != null && s.active()) {
                ctx.redirect(pendingUrl(t, ctx));
                return;
            }
            render(ctx, t, 200, "");
        }
    }

    private void render(RoutingContext ctx, Target t, int status, String error) {
        String chosen = ctx.request().getFormAttribute("profile");
        List<Profile> allowed = profiles.profiles().stream()
                .filter(profile -> profile.allows(t.user.name(), t.user.groups())).toList();
        if (!allowed.isEmpty() && chosen == null) {
            // The default may be one this user may not use; then the first profile they may use is preselected.
            chosen = allowed.stream().filter(Profile::isDefault).findFirst().orElse(allowed.get(0)).slug();
        }
        List<Map<String, Object>> shown = new ArrayList<>();
        for (Profile profile : allowed) {
            Map<String, Object> p = new HashMap<>();
            p.put("slug", profile.slug());
            p.put("checked", profile.slug().equals(chosen));
            p.put("display_name", profile.displayName());
            p.put("gpu", gpu(profile.overrides()));
            p.put("description", profile.description());
            p.put("resources", resources(profile.overrides()));
            p.put("options", profile.options().stream().map(o -> option(profile, o, ctx)).toList());
            shown.add(p);
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("title", "Server options");
        vars.put("xsrf", auth.xsrfFor(ctx));
        vars.put("error", error);
        vars.put("for_user", t.user.name());
        vars.put("profiles", shown);
        Templates.page(ctx, status, "spawn.html", vars);
    }

    /** A select of the listed choices (plus "other" and a text field for free text), keeping a refused form's values. */
    private static Map<String, Object> option(Profile profile, ProfileOption option, RoutingContext ctx) {
        String field = "option." + profile.slug() + "." + option.name();
        String sent = ctx.request().getFormAttribute(field);
        List<Map<String, Object>> choices = new ArrayList<>();
        for (ProfileOption.Choice c : option.choices()) {
            choices.add(Map.of("slug", c.slug(), "display_name", c.displayName(),
                    "selected", sent == null ? c.isDefault() : c.slug().equals(sent)));
        }
        Map<String, Object> o = new HashMap<>();
        o.put("field", field);
        o.put("display_name", option.displayName());
        if (option.unlisted() != null) {
            choices.add(Map.of("slug", UNLISTED, "display_name", option.unlisted().displayName(),
                    "selected", UNLISTED.equals(sent)));
            o.put("unlisted", option.unlisted().displayName());
            o.put("unlisted_text", ctx.request().getFormAttribute(field + ".unlisted"));
        }
        o.put("choices", choices);
        return o;
    }

    static boolean gpu(ProfileOverrides o) {
        return o.extraResourceLimits().keySet().stream().anyMatch(k -> k.contains("gpu"));
    }

    static String resources(ProfileOverrides o) {
        StringBuilder s = new StringBuilder();
        if (o.cpuLimit() != null || o.cpuGuarantee() != null) {
            s.append("CPU ").append(o.cpuGuarantee() == null ? "" : o.cpuGuarantee() + " guaranteed")
                    .append(o.cpuLimit() == null ? "" : (o.cpuGuarantee() == null ? "" : ", ") + "up to " + o.cpuLimit())
                    .append("; ");
        }
        if (o.memoryLimit() != null || o.memoryGuarantee() != null) {
            s.append("memory ").append(o.memoryGuarantee() == null ? "" : o.memoryGuarantee() + " guaranteed")
                    .append(o.memoryLimit() == null ? "" : (o.memoryGuarantee() == null ? "" : ", ") + "up to "
                            + o.memoryLimit()).append("; ");
        }
        o.extraResourceLimits().forEach((k, v) -> s.append(k).append(": ").append(v).append("; "));
        return s.toString();
    }

    /** Reads the chosen profile and its option fields from the form into JupyterHub user options. */
    static Map<String, String> options(RoutingContext ctx) {
        Map<String, String> options = new LinkedHashMap<>();
        String profile = ctx.request().getFormAttribute("profile");
        if (profile == null || profile.isEmpty()) {
            return options;
        }
        options.put("profile", profile);
        String prefix = "option." + profile + ".";
        ctx.request().formAttributes().forEach(e -> {
            String key = e.getKey();
            if (key.startsWith(prefix) && !key.endsWith(".unlisted")) {
                String name = key.substring(prefix.length());
                String value = e.getValue();
                if (UNLISTED.equals(value)) {
                    value = ctx.request().getFormAttribute(key + ".unlisted");
                }
                options.put(name, value == null ? "" : value);
            }
        });
        return options;
    }

    private void submit(RoutingContext ctx) {
        Target t = target(ctx);
        if (t == null) {
            return;
        }
        // A refused request shows the form again with the reason; a reserved one goes on to the pending page.
        servers.start(t.user, t.server, options(ctx))
                .onSuccess(reserved -> ctx.redirect(pendingUrl(t, ctx)))
                .onFailure(e -> render(ctx, t, ErrorHandling.statusOf(e), e.getMessage()));
    }

    /** The pending page, keeping JupyterHub's {@code next}: where to go once the server is ready. */
    private static String pendingUrl(Target t, RoutingContext ctx) {
        String next = UrlPaths.safeNext(ctx.request().getParam("next"), "");
        return "/hub/spawn-pending/" + UrlPaths.escape(t.user.name())
                + (t.server.isEmpty() ? "" : "/" + UrlPaths.escape(t.server))
                + (next.isEmpty() ? "" : "?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8));
    }

    private void pending(RoutingContext ctx) {
        Target t = target(ctx);
        if (t == null) {
            return;
        }
        ServerRecord s = store.server(t.user.name(), t.server)
                .orElseThrow(() -> HttpError.notFound("No server has been requested for " + t.user.name()));
        String url = UrlPaths.serverPrefix(t.user.name(), t.server);
        String next = UrlPaths.safeNext(ctx.request().getParam("next"), "");
        String progressUrl = "/hub/api/users/" + UrlPaths.escape(t.user.name())
                + (t.server.isEmpty() ? "/server/progress" : "/servers/" + UrlPaths.escape(t.server) + "/progress");
        Map<String, Object> vars = new HashMap<>();
        vars.put("title", "Starting your server");
        vars.put("progress_url", progressUrl);
        vars.put("server_url", url);
        vars.put("next", next);
        vars.put("stop_reason", s.active() ? null : s.stopReason() == null ? "" : s.stopReason());
        Templates.page(ctx, 200, "spawn_pending.html", vars);
    }
}
