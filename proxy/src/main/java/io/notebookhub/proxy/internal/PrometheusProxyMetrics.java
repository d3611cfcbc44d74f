package io.notebookhub.proxy.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * CHP's counters under CHP's names, plus the JVM's own metrics (where CHP has Node's), in Prometheus' text
 * format. Counters carry Prometheus' {@code _total} suffix ({@code requests_web_total}).
 */
public final class PrometheusProxyMetrics implements ProxyMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter web = counter("requests_web", "Count of web requests");
    private final Counter ws = counter("requests_ws", "Count of websocket requests");
    private final Counter routeGet = counter("api_route_get", "Count of API route get requests");
    private final Counter routeAdd = counter("api_route_add", "Count of API route add requests");
    private final Counter routeDelete = counter("api_route_delete", "Count of API route delete requests");
    /** One counter per status code, made on first use, so counting a response is an array read. */
    private final AtomicReferenceArray<Counter> proxiedByStatus = new AtomicReferenceArray<>(600);
    private final AtomicReferenceArray<Counter> apiByStatus = new AtomicReferenceArray<>(600);

    public PrometheusProxyMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private Counter counter(String name, String help) {
        return Counter.builder(name).description(help).register(registry);
    }

    /** The current values in Prometheus' text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void webRequest() {
        web.increment();
    }

    @Override
    public void webSocketRequest() {
        ws.increment();
    }

    @Override
    public void proxied(int status) {
        byStatus(proxiedByStatus, "requests_proxy", "Count of proxy requests", status).increment();
    }

    @Override
    public void api(int status) {
        byStatus(apiByStatus, "requests_api", "Count of API requests", status).increment();
    }

    @Override
    public void routeGet() {
        routeGet.increment();
    }

    @Override
    public void routeAdd() {
        routeAdd.increment();
    }

    @Override
    public void routeDelete() {
        routeDelete.increment();
    }

    private Counter byStatus(AtomicReferenceArray<Counter> cache, String name, String help, int status) {
        int i = status >= 0 && status < cache.length() ? status : 0;
        Counter c = cache.get(i);
        if (c == null) {
            c = Counter.builder(name).description(help).tag("status", Integer.toString(status)).register(registry);
            cache.set(i, c);
        }
        return c;
    }
}
