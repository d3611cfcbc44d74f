package io.notebookhub.culler.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.notebookhub.culler.ServerFacts;
import io.notebookhub.culler.UserFacts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads JupyterHub's user and server models (REST API 5.x, tolerant of 1.x-4.x) into culler facts. */
public final class HubJson {
    private static final Logger log = LoggerFactory.getLogger(HubJson.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private HubJson() {}

    public static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("the hub did not answer JSON: " + e.getMessage(), e);
        }
    }

    /** One page: the envelope {@code {items, _pagination}} or, from a hub before 2.0, a bare list. */
    public static Page page(String body) {
        JsonNode root = parse(body);
        if (root.isArray()) {
            return new Page(list(root), null);
        }
        JsonNode next = root.path("_pagination").path("next");
        String nextUrl = next.isObject() && next.hasNonNull("url") ? next.get("url").asText() : null;
        return new Page(list(root.path("items")), nextUrl);
    }

    /**
     * The ready servers of one user model. {@code serverBase} resolves a server's path {@code url}
     * ({@code /user/alice/}) into the address its kernels are read from; a full URL (subdomains) is kept.
     */
    public static List<ServerFacts> readyServers(JsonNode user, URI serverBase, String token) {
        List<ServerFacts> out = new ArrayList<>();
        String name = user.path("name").asText();
        boolean admin = user.path("admin").asBoolean(false);
        Iterator<Map.Entry<String, JsonNode>> servers = user.path("servers").fields();
        while (servers.hasNext()) {
            Map.Entry<String, JsonNode> e = servers.next();
            JsonNode s = e.getValue();
            if (!s.path("ready").asBoolean(false) || s.hasNonNull("pending")) {
                continue;
            }
            Instant started = Timestamps.parse(text(s, "started"));
            Instant reported = Timestamps.parse(text(s, "last_activity"));
            if (started == null) {
                started = reported;
            }
            if (started == null) {
                log.warn("Skipping server {}/{}: the hub gives neither started nor last_activity", name, e.getKey());
                continue;
            }
            URI stateUrl = stateUrl(serverBase, text(s, "url"), name);
            out.add(new ServerFacts(name, e.getKey(), text(s.path("user_options"), "profile"), admin, started, null,
                    Timestamps.parse(text(s, "last_interactive_activity")), reported, null, stateUrl, token));
        }
        return out;
    }

    /** JupyterHub sends the path quoted; a hub that does not is still understood rather than failing the listing. */
    private static URI stateUrl(URI serverBase, String url, String user) {
        if (url == null) {
            return null;
        }
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException unquoted) {
            try {
                u = new URI(null, null, url, null);
            } catch (URISyntaxException e) {
                log.warn("Cannot read the state of {}'s server: its url {} is not a URL", user, url);
                return null;
            }
        }
        return u.isAbsolute() ? u : serverBase.resolve(u);
    }

    public static UserFacts user(JsonNode user) {
        return new UserFacts(user.path("name").asText(), user.path("admin").asBoolean(false),
                Timestamps.parse(text(user, "created")), Timestamps.parse(text(user, "last_activity")));
    }

    /** JupyterHub's error body {@code {"status": N, "message": "..."}}, or the raw body. */
    public static String errorMessage(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.hasNonNull("message")) {
                return node.get("message").asText();
            }
        } catch (IOException notJson) {
            // fall through to the raw text
        }
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    /** One page of a paginated list; {@code nextUrl} is null on the last page. */
    public record Page(List<JsonNode> items, String nextUrl) {}
}
