package io.notebookhub.proxy;

import io.notebookhub.config.Setting;
import io.notebookhub.config.SettingValues;
import io.notebookhub.config.Settings;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The embedded proxy's settings in the hub's configuration (under {@code proxy}), declared once each and named after
 * configurable-http-proxy's flags; {@link #apply} turns them into {@link ProxyOptions}. The hub itself supplies what
 * it owns: the default and error targets, the API token and the cookies and tokens never forwarded to a server.
 */
public final class ProxySettings {
    /** Every setting of the proxy, in declaration order. */
    public static final Settings SETTINGS = new Settings();

    public static final Setting<String> IP = SETTINGS.add(Setting.string("ip", "127.0.0.1",
            "public interface (--ip)"));
    public static final Setting<Integer> PORT = SETTINGS.add(Setting.port("port", 8000, "public port (--port)"));
    public static final Setting<String> API_IP = SETTINGS.add(Setting.string("api_ip", "127.0.0.1",
            "route API interface (--api-ip)"));
    public static final Setting<Integer> API_PORT = SETTINGS.add(Setting.port("api_port", 8001,
            "route API port (--api-port)"));
    public static final Setting<Duration> HEADERS_TIMEOUT = SETTINGS.add(Setting.duration("headers_timeout",
            Duration.ofSeconds(60), Duration.ZERO,
            "how long a client may take to send a request's head (Node's headersTimeout, which CHP inherits; 0: none)"));
    public static final Setting<Duration> REQUEST_TIMEOUT = SETTINGS.add(Setting.duration("request_timeout",
            Duration.ofSeconds(300), Duration.ZERO,
            "how long a client may take to send a whole request (Node's requestTimeout; 0: no limit)"));
    public static final Setting<Duration> TIMEOUT = SETTINGS.add(Setting.duration("timeout", Duration.ZERO,
            Duration.ZERO, "how long a client connection may stay silent (--timeout; 0: no limit)"));
    public static final Setting<Duration> PROXY_TIMEOUT = SETTINGS.add(Setting.duration("proxy_timeout",
            Duration.ZERO, Duration.ZERO, "how long a target may stay silent on a request (--proxy-timeout; 0: none)"));
    public static final Setting<Duration> CONNECT_TIMEOUT = SETTINGS.add(Setting.duration("connect_timeout",
            Duration.ofSeconds(20), Duration.ofMillis(1), "how long to wait for a target to accept a connection"));
    public static final Setting<String> ERROR_PATH = SETTINGS.add(Setting.string("error_path", "",
            "folder of <code>.html or error.html error pages (--error-path); empty: the hub's error pages"));
    public static final Setting<String> SSL_KEY = SETTINGS.add(Setting.string("ssl_key", "",
            "PEM private key of the public port (--ssl-key); empty: plain HTTP"));
    public static final Setting<String> SSL_CERT = SETTINGS.add(Setting.string("ssl_cert", "",
            "PEM certificate chain of the public port (--ssl-cert)"));
    public static final Setting<String> API_SSL_KEY = SETTINGS.add(Setting.string("api_ssl_key", "",
            "PEM private key of the API port (--api-ssl-key)"));
    public static final Setting<String> API_SSL_CERT = SETTINGS.add(Setting.string("api_ssl_cert", "",
            "PEM certificate of the API port (--api-ssl-cert)"));
    public static final Setting<String> CLIENT_SSL_KEY = SETTINGS.add(Setting.string("client_ssl_key", "",
            "PEM key presented to HTTPS targets (--client-ssl-key)"));
    public static final Setting<String> CLIENT_SSL_CERT = SETTINGS.add(Setting.string("client_ssl_cert", "",
            "PEM certificate presented to HTTPS targets (--client-ssl-cert)"));
    public static final Setting<String> CLIENT_SSL_CA = SETTINGS.add(Setting.string("client_ssl_ca", "",
            "PEM CA bundle trusted for HTTPS targets (--client-ssl-ca); empty: the JVM's"));
    public static final Setting<Boolean> INSECURE = SETTINGS.add(Setting.bool("insecure", false,
            "skip verification of HTTPS targets' certificates (--insecure)"));
    public static final Setting<Boolean> X_FORWARD = SETTINGS.add(Setting.bool("x_forward", true,
            "add X-Forwarded-For/Proto/Host/Port (--no-x-forward turns it off)"));
    public static final Setting<Boolean> PREPEND_PATH = SETTINGS.add(Setting.bool("prepend_path", true,
            "put the target's path before the request path (--no-prepend-path)"));
    public static final Setting<Boolean> INCLUDE_PREFIX = SETTINGS.add(Setting.bool("include_prefix", true,
            "forward the route prefix as part of the path (--no-include-prefix)"));
    public static final Setting<Boolean> HOST_ROUTING = SETTINGS.add(Setting.bool("host_routing", false,
            "the first segment of a route is a host name (--host-routing)"));
    public static final Setting<Boolean> CHANGE_ORIGIN = SETTINGS.add(Setting.bool("change_origin", false,
            "send the target's host in the Host header instead of the client's (--change-origin)"));
    public static final Setting<Map<String, String>> CUSTOM_HEADERS = SETTINGS.add(Setting.stringMap(
            "custom_headers", "headers added to every request sent to a target (--custom-header)"));
    public static final Setting<Integer> MAX_URL_LENGTH = SETTINGS.add(Setting.integer("max_url_length", 16 * 1024,
            256, 1024 * 1024, "longest request line accepted; longer gets 414"));
    public static final Setting<Integer> MAX_HEADER_SIZE = SETTINGS.add(Setting.integer("max_header_size",
            64 * 1024, 1024, 16 * 1024 * 1024, "largest header block accepted; larger gets 431"));
    public static final Setting<Integer> EVENT_LOOPS = SETTINGS.add(Setting.integer("event_loops", 0, 0, 1024,
            "forwarding event loops; 0: one per processor"));
    public static final Setting<Integer> MAX_CONNECTIONS_PER_TARGET = SETTINGS.add(Setting.integer(
            "max_connections_per_target", 512, 1, 1_000_000, "pooled keep-alive connections per target and event loop"));
    public static final Setting<Boolean> AUTO_REWRITE = SETTINGS.add(Setting.bool("auto_rewrite", false,
            "rewrite the host of a redirect pointing at the target to the request's Host (--auto-rewrite)"));
    public static final Setting<String> PROTOCOL_REWRITE = SETTINGS.add(Setting.string("protocol_rewrite", "",
            "rewrite the scheme of such a redirect to http or https (--protocol-rewrite); empty: none")
            .check(p -> p.isEmpty() || Set.of("http", "https").contains(p), "http, https or empty"));
    public static final Setting<Integer> REDIRECT_PORT = SETTINGS.add(Setting.integer("redirect_port", -1, -1, 65535,
            "plain-HTTP port redirecting every request to HTTPS (--redirect-port); -1: none; needs ssl_key"));
    public static final Setting<Integer> REDIRECT_TO = SETTINGS.add(Setting.port("redirect_to", 0,
            "port named in those redirects (--redirect-to); 0: the public port"));
    public static final Setting<String> METRICS_IP = SETTINGS.add(Setting.string("metrics_ip", "0.0.0.0",
            "interface of the Prometheus metrics port (--metrics-ip)"));
    public static final Setting<Integer> METRICS_PORT = SETTINGS.add(Setting.integer("metrics_port", -1, -1, 65535,
            "port serving GET /metrics (--metrics-port); -1: none"));

    private ProxySettings() {
    }

    /** A builder with these values; what the hub owns (targets, token, private cookies) it adds itself. */
    public static ProxyOptions.Builder apply(SettingValues v) {
        return ProxyOptions.builder()
                .ip(v.get(IP)).port(v.get(PORT)).apiIp(v.get(API_IP)).apiPort(v.get(API_PORT))
                .headersTimeoutMillis(v.get(HEADERS_TIMEOUT).toMillis())
                .requestTimeoutMillis(v.get(REQUEST_TIMEOUT).toMillis())
                .timeoutMillis(v.get(TIMEOUT).toMillis())
                .proxyTimeoutMillis(v.get(PROXY_TIMEOUT).toMillis())
                .connectTimeoutMillis(v.get(CONNECT_TIMEOUT).toMillis())
                .errorPath(orNull(v.get(ERROR_PATH)))
                .ssl(orNull(v.get(SSL_KEY)), orNull(v.get(SSL_CERT)))
                .apiSsl(orNull(v.get(API_SSL_KEY)), orNull(v.get(API_SSL_CERT)))
                .clientSsl(orNull(v.get(CLIENT_SSL_KEY)), orNull(v.get(CLIENT_SSL_CERT)), orNull(v.get(CLIENT_SSL_CA)))
                .insecure(v.get(INSECURE)).xForward(v.get(X_FORWARD)).prependPath(v.get(PREPEND_PATH))
                .includePrefix(v.get(INCLUDE_PREFIX)).hostRouting(v.get(HOST_ROUTING))
                .changeOrigin(v.get(CHANGE_ORIGIN))
                .customHeaders(v.get(CUSTOM_HEADERS))
                .maxUrlLength(v.get(MAX_URL_LENGTH)).maxHeaderSize(v.get(MAX_HEADER_SIZE))
                .eventLoops(v.get(EVENT_LOOPS)).maxConnectionsPerTarget(v.get(MAX_CONNECTIONS_PER_TARGET))
                .autoRewrite(v.get(AUTO_REWRITE)).protocolRewrite(orNull(v.get(PROTOCOL_REWRITE)))
                .redirect(v.get(REDIRECT_PORT), v.get(REDIRECT_TO))
                .metrics(v.get(METRICS_IP), v.get(METRICS_PORT));
    }

    private static String orNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
