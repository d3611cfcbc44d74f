package io.notebookhub.hub.web;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.RequestAuth;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.loader.DelegatingLoader;
import io.pebbletemplates.pebble.loader.FileLoader;
import io.pebbletemplates.pebble.loader.Loader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.common.template.TemplateEngine;
import io.vertx.ext.web.templ.pebble.PebbleTemplateEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's HTML pages: Pebble templates (Jinja-like, as JupyterHub's) rendered with escaping on, and the CSS and
 * JavaScript they use served from {@code /hub/static/}.
 *
 * <p>Admins override a template by putting a file of the same name in one of {@code hub.template_paths}, searched
 * before the built-in templates; the built-in ones stay reachable as {@code templates/NAME}, so an override can
 * {@code {% extends "templates/page.html" %}} and replace one block. Templates are read where they are, through one
 * Pebble loader per folder and the jar's own last: nothing is written to disk, so a hub that is killed leaves no copy
 * behind.
 */
public final class Templates {
    private static final Logger log = LoggerFactory.getLogger(Templates.class);
    static final String CONTEXT_KEY = "nbhub.templates";
    public static final String STATIC_PREFIX = "/hub/static/";

    /** The static files pages link to, each with a content hash in its URL so a new jar is never served stale. */
    static final List<String> STATIC_FILES = List.of("hub.css", "hub.js", "admin.js", "home.js", "token.js",
            "spawn_pending.js", "profiles.js", "editor.js");

    private final Vertx vertx;
    private final TemplateEngine engine;
    private final Map<String, String> templateVars;
    private final Map<String, String> staticUrls;
    private final Clock clock;

    private Templates(Vertx vertx, TemplateEngine engine, Map<String, String> templateVars,
                      Map<String, String> staticUrls, Clock clock) {
        this.vertx = vertx;
        this.engine = engine;
        this.templateVars = templateVars;
        this.staticUrls = staticUrls;
        this.clock = clock;
    }

    /**
     * Makes the engine with its search path.
     *
     * @param templatePaths folders searched before the built-in templates, first first ({@code hub.template_paths})
     * @param templateVars passed to every template ({@code hub.template_vars}, e.g. {@code announcement})
     */
    public static Templates create(Vertx vertx, List<Path> templatePaths, Map<String, String> templateVars,
                                   Clock clock) {
        List<Loader<?>> searchPath = new ArrayList<>();
        for (Path path : templatePaths) {
            FileLoader folder = new FileLoader();
            folder.setPrefix(path.toAbsolutePath().toString());
            searchPath.add(folder);
        }
        ClasspathLoader builtIn = new ClasspathLoader(Templates.class.getClassLoader());
        builtIn.setPrefix("templates");
        searchPath.add(builtIn);
        searchPath.add(new BuiltInTemplateLoader());
        if (!templatePaths.isEmpty()) {
            log.info("templates: {} searched before the built-in ones", templatePaths);
        }
        try {
            PebbleEngine pebble = new PebbleEngine.Builder().loader(new DelegatingLoader(searchPath)).build();
            return new Templates(vertx, PebbleTemplateEngine.create(vertx, "html", pebble), Map.copyOf(templateVars),
                    staticUrls(), clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the static files: " + e.getMessage(), e);
        }
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = Templates.class.getClassLoader().getResourceAsStream(path)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static Map<String, String> staticUrls() throws IOException {
        Map<String, String> urls = new HashMap<>();
        for (String name : STATIC_FILES) {
            byte[] bytes = resource("static/" + name);
            if (bytes != null) {
                urls.put(name, STATIC_PREFIX + name + "?v=" + version(bytes));
            }
        }
        return Map.copyOf(urls);
    }

    /**
     * A tag that changes when the file does, so browsers fetch it again after an upgrade. CRC-32C rather than a
     * cryptographic digest: nobody is defended against here, and the JVM computes it with one instruction per word
     * from its first use, where SHA-256 was compiled by the JIT during every start.
     */
    private static String version(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    /**
     * Puts this object where every page handler finds it ({@link #of}), and serves {@code /hub/static/}. Mounted
     * first, so that even an early failure renders its error page from the templates.
     */
    public void mount(Router router) {
        router.route().handler(ctx -> {
            ctx.put(CONTEXT_KEY, this);
            ctx.next();
        });
        router.get(STATIC_PREFIX + "*").handler(new StaticFiles(vertx, STATIC_PREFIX));
    }

    /** The templates of this hub, or null before {@link #mount}'s handler ran. */
    public static Templates of(RoutingContext ctx) {
        return ctx.get(CONTEXT_KEY);
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Renders a page with the variables every template gets: {@code template_vars}, {@code static_url} (name to
     * versioned URL), {@code user} (the logged-in user's name, or null) and {@code admin} (whether they may open
     * the admin page); {@code vars} override them.
     */
    public Future<Buffer> render(RoutingContext ctx, String template, Map<String, ?> vars) {
        Principal p = RequestAuth.principal(ctx).filter(Principal::isUser).orElse(null);
        Map<String, Object> all = new LinkedHashMap<>(templateVars);
        all.put("static_url", staticUrls);
        all.put("user", p == null ? null : p.name());
        all.put("admin", p != null && p.scopes().hasUnfiltered("admin-ui"));
        all.putAll(vars);
        return render(template, all);
    }

    /**
     * Renders with exactly these variables (and {@code template_vars}, {@code static_url}). The engine renders on the
     * calling thread and reads and compiles a template on its first use, so a page asked for on an event loop (the
     * login page, error pages) is rendered on a worker.
     */
    public Future<Buffer> render(String template, Map<String, ?> vars) {
        Map<String, Object> all = new LinkedHashMap<>(templateVars);
        all.put("static_url", staticUrls);
        all.putAll(vars);
        if (Context.isOnWorkerThread()) {
            return engine.render(all, template);
        }
        return vertx.executeBlocking(() -> engine.render(all, template), false).compose(rendered -> rendered);
    }

    /** Renders and sends the page; a template that fails to render fails the request (the error page says so). */
    public void respond(RoutingContext ctx, int status, String template, Map<String, ?> vars) {
        render(ctx, template, vars).onSuccess(page -> {
            if (!ctx.response().ended()) {
                ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(page);
            }
        }).onFailure(e -> {
            log.error("page template {} failed to render", template, e);
            ctx.fail(500, e);
        });
    }

    /** Renders {@code template} with the variables every page gets and sends it. */
    public static void page(RoutingContext ctx, int status, String template, Map<String, ?> vars) {
        of(ctx).respond(ctx, status, template, vars);
    }
}
