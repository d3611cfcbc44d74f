package io.notebookhub.hub.web;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.paths.UrlPaths;
import io.notebookhub.profiles.Profile;
import io.notebookhub.profiles.ProfileDirectory;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code /hub/admin/profiles}: the profile files in a YAML editor (CodeMirror with completion and checks from the
 * profile schema, from {@code src/main/editor}; a text area with line numbers in a build without Node), with Validate
 * and Save buttons that call the admin profile API and show each error at its line. Admins only
 * ({@code admin:profiles}).
 */
public final class ProfilesEditorPage {
    private static final String FILE_NAME = "[A-Za-z0-9._-]+\\.ya?ml";

    private final ProfileDirectory profiles;
    private final RequestAuth auth;

    public ProfilesEditorPage(ProfileDirectory profiles, RequestAuth auth) {
        this.profiles = profiles;
        this.auth = auth;
    }

    public void mount(Router router) {
        router.get("/hub/admin/profiles").blockingHandler(this::page, false);
    }

    private void page(RoutingContext ctx) {
        Principal p = Pages.requireLogin(ctx);
        if (p == null) {
            return;
        }
        if (!p.scopes().hasUnfiltered("admin:profiles")) {
            throw HttpError.forbidden(p.name() + " may not edit profiles (that needs the admin:profiles scope)");
        }
        Map<String, String> files = profiles.files();
        String file = ctx.request().getParam("file");
        if (file == null || file.isEmpty()) {
            file = files.isEmpty() ? "profiles.yaml" : files.keySet().iterator().next();
        }
        if (!file.matches(FILE_NAME) || file.startsWith(".")) {
            throw HttpError.badRequest("A profile file name is letters, digits, '.', '_' or '-' ending in .yaml or "
                    + ".yml, not '" + file + "'");
        }
        boolean writable = profiles.folder().map(Files::isWritable).orElse(false);
        List<Map<String, Object>> inForce = new ArrayList<>();
        for (Profile profile : profiles.profiles()) {
            Map<String, Object> row = new HashMap<>();
            row.put("slug", profile.slug());
            row.put("display_name", profile.displayName());
            row.put("default", profile.isDefault());
            row.put("who", who(profile));
            row.put("max_servers", profile.maxServers() == null ? "" : profile.maxServers().toString());
            row.put("source", profile.source());
            inForce.add(row);
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("title", "Profiles");
        vars.put("xsrf", auth.xsrfFor(ctx));
        vars.put("reload_error", profiles.lastError().orElse(null));
        vars.put("folder", profiles.folder().map(Object::toString).orElse(null));
        vars.put("writable", writable);
        vars.put("files", List.copyOf(files.keySet()));
        vars.put("file", file);
        vars.put("file_pattern", FILE_NAME);
        vars.put("is_new", !files.containsKey(file));
        vars.put("text", files.getOrDefault(file, ""));
        vars.put("api", "/hub/api/profiles/" + UrlPaths.escape(file));
        vars.put("profiles", inForce);
        Templates.page(ctx, 200, "profiles.html", vars);
    }

    private static String who(Profile p) {
        if (p.allowedUsers().isEmpty() && p.allowedGroups().isEmpty()) {
            return "everyone";
        }
        StringBuilder s = new StringBuilder();
        if (!p.allowedUsers().isEmpty()) {
            s.append("users ").append(String.join(", ", new TreeSet<>(p.allowedUsers())));
        }
        if (!p.allowedGroups().isEmpty()) {
            s.append(s.length() > 0 ? "; " : "").append("groups ").append(String.join(", ", new TreeSet<>(p.allowedGroups())));
        }
        return s.toString();
    }
}
