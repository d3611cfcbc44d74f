package io.notebookhub.hub.api;

import static io.notebookhub.hub.api.ApiSupport.json;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.services.ServiceProcesses;
import io.notebookhub.hub.services.Services;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code GET /hub/api/services} and {@code GET /hub/api/services/<name>}: JupyterHub's service models, each cut to
 * what the caller's scopes show ({@code read:services} all of it, {@code read:services:name} the name,
 * {@code read:roles:services} the roles). The list is an object keyed by name, as JupyterHub writes it.
 */
public final class ServicesHandler {
    private static final Set<String> NAME_FIELDS = Set.of("kind", "name", "admin");
    private static final String[] READ_SCOPES = {"read:services", "read:services:name", "read:roles:services"};

    private final Services services;
    private final ServiceProcesses processes;

    public ServicesHandler(Services services, ServiceProcesses processes) {
        this.services = services;
        this.processes = processes;
    }

    public void mount(Router router) {
        router.get("/hub/api/services").handler(this::list);
        router.get("/hub/api/services/:name").handler(this::one);
    }

    private void list(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        if (!p.scopes().hasAny("list:services")) {
            throw HttpError.forbidden("Action is not authorized with current scopes; requires any of [list:services]");
        }
        JsonObject out = new JsonObject();
        for (Services.Service s : services.all()) {
            if (p.scopes().allowsService("list:services", s.spec().name())) {
                out.put(s.spec().name(), model(p, s));
            }
        }
        json(ctx, 200, out);
    }

    private void one(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String name = ctx.pathParam("name");
        boolean any = false;
        boolean forThis = false;
        for (String scope : READ_SCOPES) {
            any |= p.scopes().hasAny(scope);
            forThis |= p.scopes().allowsService(scope, name);
        }
        if (!any) {
            throw HttpError.forbidden("Action is not authorized with current scopes; requires any of "
                    + String.join(", ", READ_SCOPES));
        }
        if (!forThis) {
            throw HttpError.notFound("No access to resources or resources not found");
        }
        Services.Service s = services.find(name).orElseThrow(() -> HttpError.notFound("No such service: " + name));
        json(ctx, 200, model(p, s));
    }

    private JsonObject model(Principal p, Services.Service s) {
        String name = s.spec().name();
        JsonObject full = new JsonObject().put("kind", "service").put("name", name)
                .put("roles", new JsonArray(s.roles())).put("admin", s.spec().admin()).put("url", s.spec().url())
                .put("prefix", s.spec().prefix()).put("command", new JsonArray(s.spec().command()))
                .put("pid", processes.pid(name)).put("info", new JsonObject(s.spec().info()))
                .put("display", s.spec().display());
        if (p.scopes().allowsService("read:services", name)) {
            if (!p.scopes().allowsService("read:roles:services", name)) {
                full.remove("roles");
            }
            return full;
        }
        JsonObject cut = new JsonObject();
        full.forEach(e -> {
            boolean shown = NAME_FIELDS.contains(e.getKey())
                    || e.getKey().equals("roles") && p.scopes().allowsService("read:roles:services", name);
            if (shown) {
                cut.put(e.getKey(), e.getValue());
            }
        });
        return cut;
    }
}
