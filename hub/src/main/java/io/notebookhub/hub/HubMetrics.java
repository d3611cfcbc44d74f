package io.notebookhub.hub;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.notebookhub.hub.servers.ServerManager;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.store.ServerRecord;
import io.notebookhub.profiles.ResolvedProfile;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The hub's Prometheus metrics at {@code /hub/metrics}. */
public final class HubMetrics implements ServerManager.ServerEvents {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicLong> runningByProfile = new ConcurrentHashMap<>();

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Mounts {@code /hub/metrics} and, ahead of every API route, the one place API latency is timed. */
    public void mount(Router router, boolean authenticate) {
        router.route("/hub/api/*").handler(this::timeApiRequest);
        router.get("/hub/metrics").handler(ctx -> {
            // As JupyterHub's authenticate_prometheus: a scraper presents a token holding read:metrics.
            boolean allowed = !authenticate || io.notebookhub.hub.http.RequestAuth.principal(ctx)
                    .map(p -> p.scopes().hasUnfiltered("read:metrics")).orElse(false);
            if (!allowed) {
                ctx.response().setStatusCode(403).putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("403: /hub/metrics needs a token with the read:metrics scope "
                                + "(or hub.authenticate_prometheus: false)\n");
                return;
            }
            ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape());
        });
    }

    /**
     * Times each API request from here to the end of its response, tagged by method, route pattern (bounded:
     * {@code /hub/api/users/:name}, never the name itself) and status class.
     */
    private void timeApiRequest(io.vertx.ext.web.RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addEndHandler(v -> {
            String route = ctx.currentRoute() == null ? null : ctx.currentRoute().getPath();
            if (route == null || route.equals("/hub/api/*")) {
                // A failed request ends in the failure handler, which has no pattern: rebuild it from the path.
                route = template(ctx.request().path());
            }
            Timer.builder("notebookhub_api_request_duration").description("Time to answer a REST API request")
                    .tag("method", ctx.request().method().name()).tag("route", route)
                    .tag("status", (ctx.response().getStatusCode() / 100) + "xx")
                    .publishPercentileHistogram().register(registry)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        });
        ctx.next();
    }

    /**
     * The route pattern of an API path ({@code /hub/api/users/alice/server} → {@code /hub/api/users/:name/server}):
     * names never become label values, so the number of series stays bounded.
     */
    static String template(String path) {
        if (path == null || !path.startsWith("/hub/api/")) {
            return "other";
        }
        String[] parts = path.substring("/hub/api/".length()).split("/", -1);
        StringBuilder out = new StringBuilder("/hub/api");
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            String prev = i == 0 ? "" : parts[i - 1];
            String placeholder = switch (prev) {
                case "users", "groups" -> i == 1 ? ":name" : null;
                case "servers" -> ":server";
                case "tokens" -> ":id";
                default -> null;
            };
            if (placeholder != null) {
                out.append('/').append(placeholder);
            } else if (p.matches("[a-z0-9_.-]{1,20}") && KNOWN_SEGMENTS.contains(p)) {
                out.append('/').append(p);
            } else {
                return "other";
            }
        }
        return out.toString();
    }

    private static final java.util.Set<String> KNOWN_SEGMENTS = java.util.Set.of("", "info", "user", "users",
            "server", "servers", "progress", "tokens", "activity", "groups", "properties", "proxy", "openapi.yaml",
            "oauth2", "authorize", "token");

    /** Seeds the running-servers gauges from the store (after a restart). */
    public void countRunning(HubStore store) {
        runningByProfile.values().forEach(v -> v.set(0));
        store.activeServers().stream().filter(s -> ServerRecord.RUNNING.equals(s.status()))
                .forEach(s -> running(s.profile()).incrementAndGet());
    }

    private AtomicLong running(String profile) {
        String key = profile == null ? "" : profile;
        return runningByProfile.computeIfAbsent(key, p -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("notebookhub_running_servers", value, AtomicLong::get)
                    .description("Servers running now, by profile").tag("profile", p).register(registry);
            return value;
        });
    }

    @Override
    public void spawned(ResolvedProfile profile, Duration took) {
        Counter.builder("notebookhub_spawns_total").tag("profile", profile.slug()).tag("outcome", "success")
                .register(registry).increment();
        Timer.builder("notebookhub_spawn_duration").tag("profile", profile.slug()).publishPercentileHistogram()
                .register(registry).record(took);
        running(profile.slug()).incrementAndGet();
    }

    @Override
    public void waitedForNode(ResolvedProfile profile, Duration waited) {
        Timer.builder("notebookhub_spawn_node_wait").tag("profile", profile.slug())
                .description("Spawns that found no node with room, and how long they waited for one")
                .publishPercentileHistogram().register(registry).record(waited);
    }

    @Override
    public void spawnFailed(String profile, String reason) {
        Counter.builder("notebookhub_spawns_total").tag("profile", profile).tag("outcome", "failure")
                .register(registry).increment();
    }

    @Override
    public void stopped(ServerRecord server, String reason) {
        AtomicLong r = running(server.profile());
        r.updateAndGet(v -> Math.max(0, v - 1));
    }

    public void login() {
        Counter.builder("notebookhub_logins_total").register(registry).increment();
    }

    public void culled(String profile) {
        Counter.builder("notebookhub_culls_total").tag("profile", profile == null ? "" : profile).register(registry)
                .increment();
    }

    public void profileReloadRefused() {
        Counter.builder("notebookhub_profile_reload_refused_total").register(registry).increment();
    }

}
