package io.notebookhub.hub.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /hub/logo}: JupyterHub's logo URL, which stock single-user pages put in their header. Serves
 * {@code hub.logo_file} when set (read once at start-up), else the logo in the jar.
 */
public final class LogoHandler {
    private static final Map<String, String> TYPES = Map.of("svg", "image/svg+xml", "png", "image/png",
            "jpg", "image/jpeg", "jpeg", "image/jpeg", "gif", "image/gif", "ico", "image/x-icon", "webp", "image/webp");

    private final Buffer image;
    private final String contentType;

    private LogoHandler(Buffer image, String contentType) {
        this.image = image;
        this.contentType = contentType;
    }

    /** The configured file, or the built-in logo when {@code logoFile} is empty. */
    public static LogoHandler of(String logoFile) {
        try {
            if (logoFile.isEmpty()) {
                try (InputStream in = LogoHandler.class.getResourceAsStream("/static/logo.svg")) {
                    return new LogoHandler(Buffer.buffer(in.readAllBytes()), TYPES.get("svg"));
                }
            }
            Path file = Path.of(logoFile);
            String name = file.getFileName().toString();
            String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            return new LogoHandler(Buffer.buffer(Files.readAllBytes(file)),
                    TYPES.getOrDefault(extension, "application/octet-stream"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the logo (hub.logo_file '" + logoFile + "')", e);
        }
    }

    public void mount(Router router) {
        router.get("/hub/logo").handler(this::serve);
        router.head("/hub/logo").handler(this::serve);
    }

    private void serve(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", contentType).putHeader("Cache-Control", "max-age=3600")
                .putHeader("X-Content-Type-Options", "nosniff")
                // An SVG opened on its own runs in the hub's origin: it may draw, never script.
                .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        if (ctx.request().method() == io.vertx.core.http.HttpMethod.HEAD) {
            ctx.response().putHeader("Content-Length", Integer.toString(image.length())).end();
        } else {
            ctx.response().end(image);
        }
    }
}
