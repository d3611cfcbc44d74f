package io.notebookhub.hub.web;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Serves the jar's {@code static/} files (the pages' CSS and JavaScript) under {@code /hub/static/}, read from the
 * class path on a worker. Vert.x's own static handler reads the class path through Vert.x's file resolver, which unpacks
 * what it serves into a folder of its own in the system's temporary folder and deletes it only when Vert.x closes:
 * every hub that was killed left one behind. The hub's Vert.x resolves no class-path files
 * ({@code FileSystemOptions#setClassPathResolvingEnabled(false)}) and so makes no such folder.
 *
 * <p>A page links each file with its content hash ({@code ?v=...}), so a day's caching never shows a stale file.
 */
final class StaticFiles implements Handler<RoutingContext> {
    /** A file directly in {@code static/}: no folder, no parent, no hidden file. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*");
    private static final Map<String, String> TYPES = Map.of("css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "svg", "image/svg+xml", "png", "image/png");

    private final Vertx vertx;
    private final String prefix;

    StaticFiles(Vertx vertx, String prefix) {
        this.vertx = vertx;
        this.prefix = prefix;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String name = ctx.normalizedPath().substring(prefix.length());
        String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT));
        if (type == null || !NAME.matcher(name).matches()) {
            ctx.next();
            return;
        }
        vertx.executeBlocking(() -> read("static/" + name), false).onComplete(read -> {
            if (read.failed()) {
                ctx.fail(read.cause());
            } else if (read.result() == null) {
                ctx.next();
            } else {
                ctx.response().putHeader("Content-Type", type)
                        .putHeader("Cache-Control", "public, immutable, max-age=86400")
                        .end(read.result());
            }
        });
    }

    private static Buffer read(String resource) throws IOException {
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : Buffer.buffer(in.readAllBytes());
        }
    }
}
