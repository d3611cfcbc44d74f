package io.notebookhub.hub.api;

import static io.notebookhub.hub.api.ApiSupport.body;
import static io.notebookhub.hub.api.ApiSupport.iso;
import static io.notebookhub.hub.api.ApiSupport.json;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.servers.ServerManager;
import io.notebookhub.proxy.Route;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /hub/api/proxy}: GET the routing table (configurable-http-proxy's shape, keyed by routespec), POST a
 * full route sync, PATCH to tell the hub about a new external proxy ({@code ip}, {@code port}, {@code protocol},
 * {@code auth_token}, or our {@code api_url}). With the embedded proxy PATCH only re-syncs when its body is empty
 * and refuses changes, since that proxy is part of this process.
 */
public final class ProxyHandler {
    private static final Logger log = LoggerFactory.getLogger(ProxyHandler.class);

    private final ProxyRoutes routes;
    private final ServerManager servers;

    public ProxyHandler(ProxyRoutes routes, ServerManager servers) {
        this.routes = routes;
        this.servers = servers;
    }

    public void mount(Router router) {
        router.get("/hub/api/proxy").handler(this::get);
        router.post("/hub/api/proxy").handler(this::sync);
        router.patch("/hub/api/proxy").handler(this::patch);
    }

    private void get(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        ApiSupport.need(p, "proxy");
        int offset = UsersHandler.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        String rawLimit = ctx.request().getParam("limit");
        int limit = rawLimit == null ? Integer.MAX_VALUE : UsersHandler.intParam(ctx, "limit", 0, 1, Integer.MAX_VALUE);
        routes.list().onSuccess(all -> {
            TreeMap<String, Route> sorted = new TreeMap<>(all);
            JsonObject out = new JsonObject();
            sorted.entrySet().stream().skip(offset).limit(limit).forEach(e -> out.put(routespec(e.getKey()),
                    model(e.getValue())));
            json(ctx, 200, out);
        }).onFailure(e -> ctx.fail(new HttpError(502, "The proxy did not answer: " + e.getMessage())));
    }

    /** JupyterHub's routespecs end with '/' ({@code /user/alice/}); the default route is {@code /}. */
    private static String routespec(String prefix) {
        return prefix.endsWith("/") ? prefix : prefix + "/";
    }

    private static JsonObject model(Route r) {
        JsonObject data = new JsonObject(new java.util.LinkedHashMap<>(r.data()));
        if (r.lastActivity() != null) {
            data.put("last_activity", iso(r.lastActivity()));
        }
        return new JsonObject().put("routespec", routespec(r.prefix())).put("target", r.target()).put("data", data);
    }

    private void sync(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        ApiSupport.need(p, "proxy");
        servers.syncRoutes()
                .onSuccess(v -> ctx.response().setStatusCode(200).end())
                .onFailure(e -> ctx.fail(new HttpError(502, "Route sync failed: " + e.getMessage())));
    }

    private void patch(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        ApiSupport.need(p, "proxy");
        JsonObject body = body(ctx);
        for (String key : body.fieldNames()) {
            if (!List.of("ip", "port", "protocol", "auth_token", "api_url").contains(key)) {
                throw HttpError.badRequest("unknown key '" + key + "'; expected ip, port, protocol, auth_token, api_url");
            }
        }
        if (!routes.isExternal()) {
            if (!body.isEmpty()) {
                throw HttpError.badRequest("This hub runs its proxy in-process (proxy.mode: embedded); there is no "
                        + "proxy address to change. Set proxy.mode: external and proxy.api_url to use another proxy.");
            }
            sync(ctx);
            return;
        }
        URI next = newApiUrl(URI.create(routes.apiUrl()), body);
        String token = body.containsKey("auth_token") ? text(body, "auth_token") : routes.authToken();
        routes.repoint(next, token);
        log.info("proxy API re-pointed to {} by {}", next, p.name());
        sync(ctx);
    }

    static URI newApiUrl(URI old, JsonObject body) {
        try {
            if (body.containsKey("api_url")) {
                URI u = new URI(text(body, "api_url"));
                if (u.getHost() == null || !List.of("http", "https").contains(u.getScheme())) {
                    throw HttpError.badRequest("'api_url' must be an http(s) URL with a host");
                }
                return u;
            }
            String scheme = body.containsKey("protocol") ? text(body, "protocol") : old.getScheme();
            if (!List.of("http", "https").contains(scheme)) {
                throw HttpError.badRequest("'protocol' must be http or https, not '" + scheme + "'");
            }
            String host = body.containsKey("ip") ? text(body, "ip") : old.getHost();
            int port = old.getPort();
            if (body.containsKey("port")) {
                Object raw = body.getValue("port");
                if (raw instanceof Number) {
                    port = ApiSupport.wholeNumber(body, "port", 1, 65535, "").intValue();
                } else {
                    try {
                        port = Integer.parseInt(String.valueOf(raw));
                    } catch (NumberFormatException e) {
                        throw HttpError.badRequest("'port' must be a number, not '" + raw + "'");
                    }
                    if (port < 1 || port > 65535) {
                        throw HttpError.badRequest("'port' must be between 1 and 65535, not " + port);
                    }
                }
            }
            return new URI(scheme, null, host, port, old.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw HttpError.badRequest("not a usable proxy address: " + e.getMessage());
        }
    }

    private static String text(JsonObject body, String key) {
        if (body.getValue(key) instanceof String s && !s.isBlank()) {
            return s;
        }
        throw HttpError.badRequest("'" + key + "' must be a non-empty string");
    }
}
