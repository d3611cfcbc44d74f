package io.notebookhub.culler;

import com.fasterxml.jackson.databind.JsonNode;
import io.notebookhub.culler.internal.HubJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link CullTarget} over JupyterHub's REST API, as a hub service with an API token, the way
 * jupyterhub-idle-culler works: paginated {@code GET users?state=ready}, {@code DELETE users/<name>/server}
 * (or {@code servers/<name>}), {@code DELETE users/<name>}. The hub cannot be told the cull reason over
 * this API; it is logged here.
 */
public final class RestApiCullTarget implements CullTarget, AutoCloseable {
    private static final String PAGINATION = "application/jupyterhub-pagination+json";
    private static final int MAX_PAGES = 100_000;

    private final WebClient client;
    private final String api;
    private final String origin;
    private final URI serverBase;
    private final String token;
    private final long timeoutMillis;
    private final int pageSize;

    /**
     * @param apiUrl the hub API, e.g. {@code http://127.0.0.1:8081/hub/api}
     * @param token API token with {@code list:users, read:users:activity, read:servers, delete:servers}
     *        ({@code admin:users} for cull_users) and, for the activity policy, {@code access:servers}
     * @param serverBase where servers' {@code url} paths are reached (the proxy's public URL)
     * @param pageSize {@code limit} per page, 0 for the hub's default
     */
    public RestApiCullTarget(Vertx vertx, URI apiUrl, String token, URI serverBase, Duration requestTimeout,
                             int pageSize) {
        this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("notebook-hub-culler"));
        String a = apiUrl.toString();
        this.api = a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
        this.origin = apiUrl.getScheme() + "://" + apiUrl.getRawAuthority();
        this.serverBase = serverBase;
        this.token = token;
        this.timeoutMillis = requestTimeout.toMillis();
        this.pageSize = pageSize;
    }

    @Override
    public Future<List<ServerFacts>> readyServers() {
        return fetchAll("ready").map(users -> {
            List<ServerFacts> out = new ArrayList<>();
            users.forEach(u -> out.addAll(HubJson.readyServers(u, serverBase, token)));
            return out;
        });
    }

    @Override
    public Future<StopOutcome> stopServer(ServerFacts server, String reason, boolean remove) {
        String path = "/users/" + segment(server.user())
                + (server.serverName().isEmpty() ? "/server" : "/servers/" + segment(server.serverName()));
        HttpRequest<Buffer> request = request(client.deleteAbs(api + path));
        Future<HttpResponse<Buffer>> sent = remove ? request.sendJsonObject(new JsonObject().put("remove", true))
                : request.send();
        return sent.map(r -> switch (r.statusCode()) {
            case 204 -> StopOutcome.STOPPED;
            case 202 -> StopOutcome.STOPPING;
            default -> throw failure("DELETE " + path, r);
        });
    }

    @Override
    public Future<List<UserFacts>> usersWithoutServers() {
        return fetchAll("inactive").map(users -> users.stream().map(HubJson::user).toList());
    }

    @Override
    public Future<Void> deleteUser(String name, String reason) {
        String path = "/users/" + segment(name);
        return request(client.deleteAbs(api + path)).send().map(r -> {
            if (r.statusCode() != 204) {
                throw failure("DELETE " + path, r);
            }
            return null;
        });
    }

    @Override
    public void close() {
        client.close();
    }

    private Future<List<JsonNode>> fetchAll(String state) {
        String first = api + "/users?state=" + state + (pageSize > 0 ? "&limit=" + pageSize : "");
        List<JsonNode> users = new ArrayList<>();
        return fetchFrom(first, users, 0).map(v -> users);
    }

    private Future<Void> fetchFrom(String url, List<JsonNode> into, int pages) {
        if (pages >= MAX_PAGES) {
            return Future.failedFuture("GET users: more than " + MAX_PAGES + " pages; is the hub's next link looping?");
        }
        return request(client.getAbs(url)).putHeader("Accept", PAGINATION).send().compose(r -> {
            if (r.statusCode() != 200) {
                throw failure("GET " + url.substring(api.length()), r);
            }
            HubJson.Page page = HubJson.page(r.bodyAsString());
            into.addAll(page.items());
            return page.nextUrl() == null ? Future.<Void>succeededFuture() : fetchFrom(sameOrigin(page.nextUrl()), into, pages + 1);
        });
    }

    /**
     * The hub builds {@code next.url} from the Host header it saw, which behind a proxy or a Service may not
     * be the address we were given; keep our origin so the token only ever goes to {@code --url}'s host.
     */
    private String sameOrigin(String next) {
        URI n = URI.create(next);
        return origin + n.getRawPath() + (n.getRawQuery() == null ? "" : "?" + n.getRawQuery());
    }

    private HttpRequest<Buffer> request(HttpRequest<Buffer> r) {
        return r.timeout(timeoutMillis).putHeader("Authorization", "token " + token);
    }

    private static IllegalStateException failure(String what, HttpResponse<Buffer> r) {
        String message = HubJson.errorMessage(r.bodyAsString());
        return new IllegalStateException(what + " answered HTTP " + r.statusCode() + (message.isEmpty() ? "" : ": " + message));
    }

    /** JupyterHub quotes names in paths; spaces must be %20, not +. */
    private static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
