package io.notebookhub.hub.api;

import static io.notebookhub.hub.api.ApiSupport.json;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.profiles.Profile;
import io.notebookhub.profiles.ProfileDirectory;
import io.notebookhub.profiles.ProfileError;
import io.notebookhub.profiles.ProfileOption;
import io.notebookhub.profiles.ProfileOverrides;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin profile API: {@code GET /hub/api/profiles} (the set in force, the files and the current error),
 * {@code PUT /hub/api/profiles/{file}} (validate, then write and apply), {@code POST .../{file}/validate} (check
 * only) and {@code DELETE /hub/api/profiles/{file}}. Every call needs the {@code admin:profiles} scope.
 *
 * <p>A PUT body is the file's YAML as sent ({@code application/yaml}, {@code text/plain}, ...), or
 * {@code {"yaml": "..."}} with {@code Content-Type: application/json}.
 */
public final class ProfilesHandler {
    private static final Logger log = LoggerFactory.getLogger(ProfilesHandler.class);
    static final String SCOPE = "admin:profiles";

    private final ProfileDirectory profiles;
    private final HubStore store;
    private final Clock clock;
    /** The last PUT or DELETE that was refused, until an edit or a reload succeeds. */
    private volatile RefusedEdit refusedEdit;

    private record RefusedEdit(String file, List<ProfileError> errors, Instant at) {}

    public ProfilesHandler(ProfileDirectory profiles, HubStore store, Clock clock) {
        this.profiles = profiles;
        this.store = store;
        this.clock = clock;
        profiles.onReload(outcome -> {
            if (outcome.applied()) {
                refusedEdit = null;
            }
        });
    }

    public void mount(Router router) {
        router.get("/hub/api/profiles").blockingHandler(this::list, false);
        router.put("/hub/api/profiles/:file").blockingHandler(this::save, false);
        router.post("/hub/api/profiles/:file/validate").blockingHandler(this::validate, false);
        router.delete("/hub/api/profiles/:file").blockingHandler(this::delete, false);
    }

    private void list(RoutingContext ctx) {
        ApiSupport.need(RequestAuth.require(ctx), SCOPE);
        json(ctx, 200, describe());
    }

    /** The set in force (with running counts), the files on disk, and the current error if there is one. */
    private JsonObject describe() {
        Map<String, Long> running = store.activeServers().stream()
                .filter(s -> s.profile() != null)
                .collect(Collectors.groupingBy(ServerRecord::profile, Collectors.counting()));
        JsonArray set = new JsonArray();
        for (Profile p : profiles.profiles()) {
            set.add(profile(p).put("running", running.getOrDefault(p.slug(), 0L)));
        }
        JsonObject files = new JsonObject();
        profiles.files().forEach(files::put);
        JsonObject out = new JsonObject()
                .put("folder", profiles.folder().map(Path::toString).orElse(null))
                .put("writable", writable())
                .put("profiles", set)
                .put("files", files);
        RefusedEdit edit = refusedEdit;
        if (profiles.lastError().isPresent()) {
            out.put("error", profiles.lastError().get()).put("error_source", "folder");
        } else if (edit != null) {
            out.put("error", join(edit.errors())).put("error_source", "edit").put("error_file", edit.file())
                    .put("errors", errors(edit.errors())).put("error_at", ApiSupport.iso(edit.at()));
        } else {
            out.putNull("error");
        }
        return out;
    }

    private boolean writable() {
        return profiles.folder().map(Files::isWritable).orElse(false);
    }

    private void validate(RoutingContext ctx) {
        ApiSupport.need(RequestAuth.require(ctx), SCOPE);
        String file = ctx.pathParam("file");
        List<ProfileError> errors = profiles.validate(file, yaml(ctx));
        json(ctx, 200, new JsonObject().put("file", file).put("valid", errors.isEmpty())
                .put("message", errors.isEmpty() ? file + " is valid with the other files in force" : join(errors))
                .put("errors", errors(errors)));
    }

    private void save(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        ApiSupport.need(p, SCOPE);
        String file = ctx.pathParam("file");
        String yaml = yaml(ctx);
        edit(ctx, p, file, "saved", () -> profiles.save(file, yaml));
    }

    private void delete(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        ApiSupport.need(p, SCOPE);
        String file = ctx.pathParam("file");
        edit(ctx, p, file, "deleted", () -> profiles.delete(file));
    }

    private interface Edit {
        List<ProfileError> run() throws IOException;
    }

    private void edit(RoutingContext ctx, Principal p, String file, String verb, Edit edit) {
        if (profiles.folder().isEmpty()) {
            throw new HttpError(409, "The hub uses its bundled default profiles, which cannot be edited. Set "
                    + "hub.profiles_dir (NBHUB_HUB_PROFILES_DIR) to a writable folder of profile files.");
        }
        List<ProfileError> errors;
        try {
            errors = edit.run();
        } catch (IOException e) {
            log.warn("{} could not write profile file {}: {}", p.name(), file, e.toString());
            throw new HttpError(409, "The profiles folder " + profiles.folder().get() + " is read-only here ("
                    + e.getClass().getSimpleName() + "). In Kubernetes it is mounted from a ConfigMap: change "
                    + "`profiles` in the chart values and run `helm upgrade` (or edit the ConfigMap); the hub "
                    + "picks the change up without a restart.");
        }
        if (!errors.isEmpty()) {
            refusedEdit = new RefusedEdit(file, errors, clock.instant());
            log.info("{} {} refused for {}: {} error(s)", file, verb, p.name(), errors.size());
            json(ctx, 400, new JsonObject().put("status", 400)
                    .put("message", file + " was not " + verb + "; the profiles in force are unchanged:\n"
                            + join(errors))
                    .put("errors", errors(errors)));
            return;
        }
        refusedEdit = null;
        log.info("profile file {} {} by {}", file, verb, p.name());
        json(ctx, 200, describe().put("message", file + " " + verb + "; the next spawn uses it"));
    }

    /** The file's text from the body: raw YAML, or {@code {"yaml": "..."}} when sent as JSON. */
    private static String yaml(RoutingContext ctx) {
        String raw = ctx.body() == null ? null : ctx.body().asString();
        String type = ctx.request().getHeader("Content-Type");
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            Object value = ApiSupport.body(ctx).getValue("yaml");
            if (!(value instanceof String s)) {
                throw HttpError.badRequest("The JSON body must be {\"yaml\": \"<the file's text>\"}");
            }
            return s;
        }
        if (raw == null) {
            throw HttpError.badRequest("Send the profile file's YAML as the request body");
        }
        return raw;
    }

    private static String join(List<ProfileError> errors) {
        return errors.stream().map(ProfileError::toString).collect(Collectors.joining("\n"));
    }

    private static JsonArray errors(List<ProfileError> errors) {
        JsonArray out = new JsonArray();
        for (ProfileError e : errors) {
            out.add(new JsonObject().put("file", e.file()).put("line", e.line()).put("column", e.column())
                    .put("message", e.message()).put("text", e.toString()));
        }
        return out;
    }

    private static JsonObject profile(Profile p) {
        JsonArray options = new JsonArray();
        for (ProfileOption o : p.options()) {
            JsonObject option = new JsonObject().put("name", o.name()).put("display_name", o.displayName())
                    .put("choices", new JsonArray(o.choices().stream().map(c -> new JsonObject()
                            .put("slug", c.slug()).put("display_name", c.displayName()).put("default", c.isDefault()))
                            .toList()));
            if (o.unlisted() != null) {
                option.put("unlisted_choice", new JsonObject().put("display_name", o.unlisted().displayName())
                        .put("validation_regex", o.unlisted().validationRegex())
                        .put("validation_message", o.unlisted().validationMessage()));
            }
            options.add(option);
        }
        return new JsonObject().put("slug", p.slug()).put("display_name", p.displayName())
                .put("description", p.description()).put("default", p.isDefault())
                .put("allowed_users", sorted(p.allowedUsers())).put("allowed_groups", sorted(p.allowedGroups()))
                .put("max_servers", p.maxServers()).put("source", p.source())
                .put("resources", resources(p.overrides())).put("options", options);
    }

    private static JsonObject resources(ProfileOverrides o) {
        return new JsonObject().put("image", o.image())
                .put("cpu", new JsonObject().put("guarantee", o.cpuGuarantee()).put("limit", o.cpuLimit()))
                .put("memory", new JsonObject().put("guarantee", o.memoryGuarantee()).put("limit", o.memoryLimit()))
                .put("extra_resource_limits", new JsonObject(new java.util.LinkedHashMap<>(o.extraResourceLimits())));
    }

    private static JsonArray sorted(java.util.Set<String> values) {
        return new JsonArray(List.copyOf(new TreeSet<>(values)));
    }
}
