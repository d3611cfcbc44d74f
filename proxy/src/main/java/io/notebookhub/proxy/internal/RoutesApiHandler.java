package io.notebookhub.proxy.internal;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * configurable-http-proxy's REST API, to the byte where clients can tell: {@code GET /api/routes[?inactive_since=]},
 * {@code GET|POST|DELETE /api/routes/<path>}, {@code Authorization: token <t>} else 403, 405 for other methods.
 * Each route is rendered as {@code {"target", ...data, "last_activity", "last_interactive_activity"}}.
 */
public final class RoutesApiHandler implements Handler<HttpServerRequest> {
    private static final Logger log = LoggerFactory.getLogger(RoutesApiHandler.class);
    private static final String BASE = "/api/routes";
    private static final Pattern TOKEN = Pattern.compile("token\\s+(\\S+)");
    private static final int MAX_BODY = 1024 * 1024;

    private final RouteTable routes;
    private final byte[] token;
    private final ProxyMetrics metrics;

    public RoutesApiHandler(RouteTable routes, String authToken, ProxyMetrics metrics) {
        this.routes = routes;
        this.metrics = metrics;
        this.token = authToken == null ? null : authToken.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpServerRequest req) {
        HttpServerResponse response = req.response();
        response.endHandler(v -> metrics.api(response.getStatusCode()));
        String rawPath = req.path();
        if (rawPath == null || !(rawPath.equals(BASE) || rawPath.startsWith(BASE + "/"))) {
            end(req.response(), 404, null);
            return;
        }
        if (!authorized(req.getHeader(HttpHeaders.AUTHORIZATION))) {
            end(req.response(), 403, null);
            return;
        }
        String prefix;
        try {
            prefix = RouteTable.normalisePrefix(decodeUriComponent(rawPath.substring(BASE.length())));
        } catch (IllegalArgumentException e) {
            end(req.response(), 400, "Invalid path: " + e.getMessage());
            return;
        }
        switch (req.method().name()) {
            case "GET" -> {
                metrics.routeGet();
                get(req, prefix);
            }
            case "POST" -> {
                metrics.routeAdd();
                post(req, prefix);
            }
            case "DELETE" -> {
                metrics.routeDelete();
                delete(req, prefix);
            }
            default -> end(req.response(), 405, null);
        }
    }

    private boolean authorized(String header) {
        if (token == null) {
            return true;
        }
        if (header == null) {
            return false;
        }
        Matcher m = TOKEN.matcher(header);
        return m.find() && MessageDigest.isEqual(m.group(1).getBytes(StandardCharsets.UTF_8), token);
    }

    private void get(HttpServerRequest req, String prefix) {
        if (prefix.equals("/")) {
            Instant inactiveSince;
            try {
                inactiveSince = inactiveSince(req);
            } catch (IllegalArgumentException e) {
                end(req.response(), 400, e.getMessage());
                return;
            }
            JsonObject out = new JsonObject();
            for (RouteEntry e : routes.entries()) {
                if (inactiveSince == null || e.lastActivity() < inactiveSince.toEpochMilli()) {
                    out.put(e.prefix(), render(e));
                }
            }
            json(req.response(), 200, out);
            return;
        }
        RouteEntry e = routes.get(prefix);
        if (e == null) {
            end(req.response(), 404, null);
        } else {
            json(req.response(), 200, render(e));
        }
    }

    private static Instant inactiveSince(HttpServerRequest req) {
        String v = req.getParam("inactive_since");
        if (v == null) {
            v = req.getParam("inactiveSince");
        }
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return IsoTime.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid datestamp '" + v + "' must be ISO8601.", e);
        }
    }

    private void post(HttpServerRequest req, String prefix) {
        Buffer body = Buffer.buffer();
        req.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_BODY) {
                end(req.response(), 413, "Body too large");
                req.connection().close();
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (req.response().ended()) {
                return;
            }
            JsonObject data;
            try {
                data = body.length() == 0 ? new JsonObject() : new JsonObject(body);
            } catch (DecodeException | ClassCastException e) {
                end(req.response(), 400, "Body not valid JSON: " + e.getMessage());
                return;
            }
            if (!(data.getValue("target") instanceof String target)) {
                log.warn("Bad POST data for route {}: {}", prefix, data.encode());
                end(req.response(), 400, "Must specify 'target' as string");
                return;
            }
            Map<String, Object> extra = new LinkedHashMap<>(data.getMap());
            extra.remove("target");
            extra.remove("last_activity");
            extra.remove("last_interactive_activity");
            try {
                routes.put(prefix, target, extra);
            } catch (IllegalArgumentException e) {
                end(req.response(), 400, e.getMessage());
                return;
            }
            log.info("Route added {} -> {}", prefix, target);
            end(req.response(), 201, null);
        });
    }

    private void delete(HttpServerRequest req, String prefix) {
        if (routes.delete(prefix)) {
            log.info("Route removed {}", prefix);
            end(req.response(), 204, null);
        } else {
            end(req.response(), 404, null);
        }
    }

    static JsonObject render(RouteEntry e) {
        JsonObject o = new JsonObject();
        o.put("target", e.target());
        for (Map.Entry<String, Object> d : e.data().entrySet()) {
            o.put(d.getKey(), d.getValue());
        }
        o.put("last_activity", IsoTime.format(e.lastActivity()));
        o.put("last_interactive_activity", IsoTime.format(e.lastInteractiveActivity()));
        return o;
    }

    private static void json(HttpServerResponse sr, int status, JsonObject body) {
        sr.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer());
    }

    private static void end(HttpServerResponse sr, int status, String text) {
        if (sr.ended()) {
            return;
        }
        sr.setStatusCode(status);
        if (text == null) {
            sr.end();
        } else {
            sr.putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(text);
        }
    }

    /** JavaScript's decodeURIComponent: every %XX decoded as UTF-8, '+' left alone. */
    static String decodeUriComponent(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("truncated escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape");
                }
                out.write((hi << 4) | lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
