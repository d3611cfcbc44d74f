package io.notebookhub.hub.api;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/** Shared pieces of the REST handlers: scope checks in JupyterHub's words, JSON bodies, timestamps. */
final class ApiSupport {
    /** JupyterHub's timestamp form, e.g. {@code 2024-05-01T10:00:00.000000Z}. */
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private ApiSupport() {
    }

    /** {@link #ISO}'s output, written by hand: a page of 200 users formats 400 of these. */
    static String iso(Instant instant) {
        if (instant == null) {
            return null;
        }
        java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(),
                ZoneOffset.UTC);
        if (t.getYear() < 1000 || t.getYear() > 9999) {
            return ISO.format(instant);
        }
        StringBuilder b = new StringBuilder(27).append(t.getYear()).append('-');
        pad(b, t.getMonthValue(), 2).append('-');
        pad(b, t.getDayOfMonth(), 2).append('T');
        pad(b, t.getHour(), 2).append(':');
        pad(b, t.getMinute(), 2).append(':');
        pad(b, t.getSecond(), 2).append('.');
        return pad(b, t.getNano() / 1000, 6).append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder b, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(digits);
    }

    static Instant parseIso(String text) {
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (RuntimeException e) {
            try {
                return java.time.LocalDateTime.parse(text.endsWith("Z") ? text.substring(0, text.length() - 1) : text)
                        .toInstant(ZoneOffset.UTC);
            } catch (RuntimeException e2) {
                throw HttpError.badRequest("not an ISO 8601 timestamp: '" + text + "'");
            }
        }
    }

    /**
     * Refuses unless the caller holds {@code scope} for {@code user}: 403 when it lacks the scope altogether,
     * 404 when it holds it only for other users (so it learns nothing about this one).
     */
    static void needUser(Principal p, String scope, String user, Set<String> groups) {
        if (p.scopes().allowsUser(scope, user, groups)) {
            return;
        }
        deny(p, scope);
    }

    static void needServer(Principal p, String scope, String user, String server, Set<String> groups) {
        if (p.scopes().allowsServer(scope, user, server, groups)) {
            return;
        }
        deny(p, scope);
    }

    static void need(Principal p, String scope) {
        if (!p.scopes().hasUnfiltered(scope)) {
            deny(p, scope);
        }
    }

    private static void deny(Principal p, String scope) {
        if (p.scopes().hasAny(scope)) {
            throw HttpError.notFound("No access to resources or resources not found");
        }
        throw HttpError.forbidden("Action is not authorized with current scopes; requires any of [" + scope + "]");
    }

    /** The JSON object body, an empty one when there is no body, 400 when it is not an object. */
    static JsonObject body(RoutingContext ctx) {
        String raw = ctx.body() == null ? null : ctx.body().asString();
        if (raw == null || raw.isBlank()) {
            return new JsonObject();
        }
        Object parsed;
        try {
            parsed = io.vertx.core.json.Json.decodeValue(raw);
        } catch (RuntimeException e) {
            throw HttpError.badRequest("Invalid JSON in request body: " + firstLine(e.getMessage()));
        }
        if (parsed instanceof JsonObject o) {
            return o;
        }
        throw HttpError.badRequest("The request body must be a JSON object");
    }

    /**
     * A whole number in a JSON body within [min, max], or null when absent; anything else (a fraction, a string, a
     * number too large for any clock such as 1e30) is a 400 naming the field.
     */
    static Long wholeNumber(JsonObject body, String key, long min, long max, String unit) {
        Object v = body.getValue(key);
        if (v == null) {
            return null;
        }
        String range = "'" + key + "' must be a whole number" + unit + " between " + min + " and " + max;
        if (!(v instanceof Number n)) {
            throw HttpError.badRequest(range + ", not '" + v + "'");
        }
        double d = n.doubleValue();
        if (Double.isNaN(d) || d != Math.rint(d) || d < min || d > max) {
            throw HttpError.badRequest(range + ", not " + v);
        }
        return n.longValue();
    }

    static JsonArray stringArray(JsonObject body, String key) {
        Object v = body.getValue(key);
        if (v == null) {
            return new JsonArray();
        }
        if (!(v instanceof JsonArray a) || a.stream().anyMatch(x -> !(x instanceof String))) {
            throw HttpError.badRequest("'" + key + "' must be a list of strings");
        }
        return a;
    }

    static void json(RoutingContext ctx, int status, Object body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(body instanceof JsonObject o ? o.encode() : body instanceof JsonArray a ? a.encode()
                        : io.vertx.core.json.Json.encode(body));
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
