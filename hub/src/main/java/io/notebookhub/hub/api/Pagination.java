package io.notebookhub.hub.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * JupyterHub's list answers: a plain JSON array, or, when the client sends
 * {@code Accept: application/jupyterhub-pagination+json}, {@code {"items": [...], "_pagination": {...}}}.
 */
final class Pagination {
    static final String MEDIA_TYPE = "application/jupyterhub-pagination+json";

    private Pagination() {
    }

    /** {@code total} is only asked for when the client wants the envelope (counting is not free). */
    static void respond(RoutingContext ctx, JsonArray items, int offset, int limit, java.util.function.LongSupplier
            totalSupplier) {
        String accept = ctx.request().getHeader("Accept");
        if (accept == null || !accept.contains(MEDIA_TYPE)) {
            ApiSupport.json(ctx, 200, items);
            return;
        }
        long total = totalSupplier.getAsLong();
        JsonObject next = null;
        if (offset + items.size() < total) {
            int nextOffset = offset + items.size();
            String url = ctx.request().path() + "?" + query(ctx, nextOffset, limit);
            next = new JsonObject().put("offset", nextOffset).put("limit", limit).put("url", url);
        }
        ApiSupport.json(ctx, 200, new JsonObject().put("items", items).put("_pagination", new JsonObject()
                .put("offset", offset).put("limit", limit).put("total", total).put("next", next)));
    }

    private static String query(RoutingContext ctx, int offset, int limit) {
        StringBuilder q = new StringBuilder();
        ctx.queryParams().forEach(e -> {
            if (!e.getKey().equals("offset") && !e.getKey().equals("limit")) {
                q.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).append('&');
            }
        });
        return q.append("offset=").append(offset).append("&limit=").append(limit).toString();
    }
}
