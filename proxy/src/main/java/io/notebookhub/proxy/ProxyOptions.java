package io.notebookhub.proxy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link ProxyServer} can be told, named after configurable-http-proxy's flags.
 * Build with {@link #builder()}; defaults are CHP's unless said otherwise.
 *
 * @param ip public interface ({@code --ip}); CHP listens on every interface by default
 * @param port public port ({@code --port}); 0 picks a free one, see {@link ProxyServer#publicPort()}
 * @param apiIp REST API interface ({@code --api-ip})
 * @param apiPort REST API port ({@code --api-port}); -1 means {@code port + 1} (0 when port is 0)
 * @param defaultTarget target of the {@code /} route added at start ({@code --default-target}), or null
 * @param errorTarget URL asked {@code GET <errorTarget>/<code>?url=...} for error pages ({@code --error-target}), or null
 * @param errorPath folder holding {@code <code>.html} or {@code error.html} ({@code --error-path}), or null
 * @param authToken token the REST API requires ({@code CONFIGPROXY_AUTH_TOKEN}); null leaves the API open, as CHP does
 * @param sslKey PEM private key of the public port ({@code --ssl-key}), or null for plain HTTP
 * @param sslCert PEM certificate chain of the public port ({@code --ssl-cert})
 * @param apiSslKey PEM key of the API port ({@code --api-ssl-key}), or null
 * @param apiSslCert PEM certificate of the API port ({@code --api-ssl-cert})
 * @param clientSslKey PEM key presented to HTTPS targets ({@code --client-ssl-key}), or null
 * @param clientSslCert PEM certificate presented to HTTPS targets ({@code --client-ssl-cert})
 * @param clientSslCa PEM CA bundle trusted for HTTPS targets ({@code --client-ssl-ca}), or null for the JVM's
 * @param insecure skip verification of HTTPS targets' certificates ({@code --insecure})
 * @param xForward add X-Forwarded-For/Proto/Host/Port ({@code --no-x-forward} turns it off)
 * @param prependPath put the target's path before the request path ({@code --no-prepend-path})
 * @param includePrefix forward the route prefix as part of the path ({@code --no-include-prefix})
 * @param hostRouting the first segment of a route is a host name ({@code --host-routing})
 * @param changeOrigin send the target's host in the Host header instead of the client's ({@code --change-origin})
 * @param connectTimeoutMillis how long to wait for a target to accept a connection
 * @param proxyTimeoutMillis how long a target may stay silent on a request ({@code --proxy-timeout}); 0 = no limit
 * @param timeoutMillis how long a client connection may stay silent ({@code --timeout}); 0 = no limit
 * @param customHeaders headers added to every request sent to a target ({@code --custom-header})
 * @param maxUrlLength longest request line accepted; longer gets 414
 * @param maxHeaderSize largest header block accepted; larger gets 431
 * @param eventLoops forwarding event loops (a public server and a target connection pool each); 0 = one per processor
 * @param maxConnectionsPerTarget pooled keep-alive connections per target and event loop
 * @param autoRewrite rewrite the host of a redirect's Location that points at the target to the request's Host
 *     ({@code --auto-rewrite})
 * @param protocolRewrite rewrite the scheme of such a Location to this one ({@code --protocol-rewrite}), or null
 * @param redirectPort plain-HTTP port answering every request with a redirect to HTTPS ({@code --redirect-port}),
 *     or -1 for none; needs {@code sslKey}
 * @param redirectTo port named in those redirects ({@code --redirect-to}); 0 = the public port
 * @param metricsIp interface of the Prometheus metrics port ({@code --metrics-ip})
 * @param metricsPort port serving {@code GET /metrics} ({@code --metrics-port}), or -1 for none
 * @param privateCookies cookies never forwarded to a route other than the default {@code /} one (the hub's own
 *     login cookies, which a user's server must never see); {@code --strip-cookie}, ours
 * @param headersTimeoutMillis how long a client may take to send a request's head, from its first byte or from
 *     opening the connection; 0 = no limit. Node's {@code headersTimeout} (60 s), which CHP inherits
 * @param requestTimeoutMillis how long a client may take to send a whole request; 0 = no limit. Node's
 *     {@code requestTimeout} (300 s)
 * @param privateTokens API tokens whose {@code Authorization} header is never forwarded to such a route (the hub's
 *     admin token)
 */
public record ProxyOptions(
        String ip, int port, String apiIp, int apiPort,
        String defaultTarget, String errorTarget, String errorPath, String authToken,
        String sslKey, String sslCert, String apiSslKey, String apiSslCert,
        String clientSslKey, String clientSslCert, String clientSslCa, boolean insecure,
        boolean xForward, boolean prependPath, boolean includePrefix, boolean hostRouting, boolean changeOrigin,
        long connectTimeoutMillis, long proxyTimeoutMillis, long timeoutMillis,
        Map<String, String> customHeaders, int maxUrlLength, int maxHeaderSize,
        int eventLoops, int maxConnectionsPerTarget,
        boolean autoRewrite, String protocolRewrite, int redirectPort, int redirectTo,
        String metricsIp, int metricsPort, java.util.Set<String> privateCookies, java.util.Set<String> privateTokens,
        long headersTimeoutMillis, long requestTimeoutMillis) {

    public ProxyOptions {
        privateCookies = java.util.Set.copyOf(privateCookies);
        privateTokens = java.util.Set.copyOf(privateTokens);
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(apiIp, "apiIp");
        customHeaders = Map.copyOf(customHeaders);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (apiPort < -1 || apiPort > 65535) {
            throw new IllegalArgumentException("apiPort must be -1..65535, was " + apiPort);
        }
        if ((sslKey == null) != (sslCert == null)) {
            throw new IllegalArgumentException("sslKey and sslCert go together");
        }
        if ((apiSslKey == null) != (apiSslCert == null)) {
            throw new IllegalArgumentException("apiSslKey and apiSslCert go together");
        }
        if (redirectPort >= 0 && sslKey == null) {
            throw new IllegalArgumentException("HTTPS redirection (--redirect-port) needs --ssl-key and --ssl-cert");
        }
        if (redirectPort > 65535 || redirectTo < 0 || redirectTo > 65535 || metricsPort > 65535) {
            throw new IllegalArgumentException("redirect and metrics ports must be 0..65535");
        }
        if (headersTimeoutMillis < 0 || requestTimeoutMillis < 0) {
            throw new IllegalArgumentException("headers and request timeouts must be 0 (none) or more");
        }
        if (protocolRewrite != null && !protocolRewrite.matches("(?i)https?")) {
            throw new IllegalArgumentException("--protocol-rewrite must be http or https, was " + protocolRewrite);
        }
    }

    /** The API port to bind: {@link #apiPort()}, or CHP's {@code port + 1} default. */
    public int effectiveApiPort() {
        if (apiPort >= 0) {
            return apiPort;
        }
        return port == 0 ? 0 : port + 1;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.ip = ip; b.port = port; b.apiIp = apiIp; b.apiPort = apiPort;
        b.defaultTarget = defaultTarget; b.errorTarget = errorTarget; b.errorPath = errorPath; b.authToken = authToken;
        b.sslKey = sslKey; b.sslCert = sslCert; b.apiSslKey = apiSslKey; b.apiSslCert = apiSslCert;
        b.clientSslKey = clientSslKey; b.clientSslCert = clientSslCert; b.clientSslCa = clientSslCa; b.insecure = insecure;
        b.xForward = xForward; b.prependPath = prependPath; b.includePrefix = includePrefix;
        b.hostRouting = hostRouting; b.changeOrigin = changeOrigin;
        b.connectTimeoutMillis = connectTimeoutMillis; b.proxyTimeoutMillis = proxyTimeoutMillis;
        b.timeoutMillis = timeoutMillis; b.customHeaders = new LinkedHashMap<>(customHeaders);
        b.maxUrlLength = maxUrlLength; b.maxHeaderSize = maxHeaderSize;
        b.eventLoops = eventLoops; b.maxConnectionsPerTarget = maxConnectionsPerTarget;
        b.autoRewrite = autoRewrite; b.protocolRewrite = protocolRewrite;
        b.redirectPort = redirectPort; b.redirectTo = redirectTo; b.metricsIp = metricsIp; b.metricsPort = metricsPort;
        b.privateCookies = new java.util.LinkedHashSet<>(privateCookies);
        b.privateTokens = new java.util.LinkedHashSet<>(privateTokens);
        b.headersTimeoutMillis = headersTimeoutMillis; b.requestTimeoutMillis = requestTimeoutMillis;
        return b;
    }

    /** Mutable builder with CHP's defaults. */
    public static final class Builder {
        private String ip = "0.0.0.0";
        private int port = 8000;
        private String apiIp = "127.0.0.1";
        private int apiPort = -1;
        private String defaultTarget;
        private String errorTarget;
        private String errorPath;
        private String authToken;
        private String sslKey;
        private String sslCert;
        private String apiSslKey;
        private String apiSslCert;
        private String clientSslKey;
        private String clientSslCert;
        private String clientSslCa;
        private boolean insecure;
        private boolean xForward = true;
        private boolean prependPath = true;
        private boolean includePrefix = true;
        private boolean hostRouting;
        private boolean changeOrigin;
        private long connectTimeoutMillis = 20_000;
        private long proxyTimeoutMillis;
        private long timeoutMillis;
        private Map<String, String> customHeaders = new LinkedHashMap<>();
        private int maxUrlLength = 16 * 1024;
        private int maxHeaderSize = 64 * 1024;
        private int eventLoops;
        private int maxConnectionsPerTarget = 512;
        private boolean autoRewrite;
        private String protocolRewrite;
        private int redirectPort = -1;
        private int redirectTo;
        private String metricsIp = "0.0.0.0";
        private int metricsPort = -1;
        private java.util.Set<String> privateCookies = new java.util.LinkedHashSet<>();
        private java.util.Set<String> privateTokens = new java.util.LinkedHashSet<>();
        private long headersTimeoutMillis = 60_000;
        private long requestTimeoutMillis = 300_000;

        private Builder() {}

        public Builder ip(String v) { ip = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder apiIp(String v) { apiIp = v; return this; }
        public Builder apiPort(int v) { apiPort = v; return this; }
        public Builder defaultTarget(String v) { defaultTarget = v; return this; }
        public Builder errorTarget(String v) { errorTarget = v; return this; }
        public Builder errorPath(String v) { errorPath = v; return this; }
        public Builder authToken(String v) { authToken = v; return this; }
        public Builder ssl(String key, String cert) { sslKey = key; sslCert = cert; return this; }
        public Builder apiSsl(String key, String cert) { apiSslKey = key; apiSslCert = cert; return this; }
        public Builder clientSsl(String key, String cert, String ca) {
            clientSslKey = key; clientSslCert = cert; clientSslCa = ca; return this;
        }
        public Builder insecure(boolean v) { insecure = v; return this; }
        public Builder xForward(boolean v) { xForward = v; return this; }
        public Builder prependPath(boolean v) { prependPath = v; return this; }
        public Builder includePrefix(boolean v) { includePrefix = v; return this; }
        public Builder hostRouting(boolean v) { hostRouting = v; return this; }
        public Builder changeOrigin(boolean v) { changeOrigin = v; return this; }
        public Builder connectTimeoutMillis(long v) { connectTimeoutMillis = v; return this; }
        public Builder proxyTimeoutMillis(long v) { proxyTimeoutMillis = v; return this; }
        public Builder timeoutMillis(long v) { timeoutMillis = v; return this; }
        public Builder customHeader(String name, String value) { customHeaders.put(name, value); return this; }
        public Builder customHeaders(Map<String, String> v) { customHeaders.putAll(v); return this; }
        public Builder maxUrlLength(int v) { maxUrlLength = v; return this; }
        public Builder maxHeaderSize(int v) { maxHeaderSize = v; return this; }
        public Builder eventLoops(int v) { eventLoops = v; return this; }
        public Builder maxConnectionsPerTarget(int v) { maxConnectionsPerTarget = v; return this; }
        public Builder autoRewrite(boolean v) { autoRewrite = v; return this; }
        public Builder protocolRewrite(String v) { protocolRewrite = v; return this; }
        public Builder redirect(int fromPort, int toPort) { redirectPort = fromPort; redirectTo = toPort; return this; }
        public Builder metrics(String ip, int port) { metricsIp = ip; metricsPort = port; return this; }
        public Builder privateCookie(String name) { privateCookies.add(name); return this; }
        public Builder privateToken(String token) { privateTokens.add(token); return this; }
        public Builder headersTimeoutMillis(long v) { headersTimeoutMillis = v; return this; }
        public Builder requestTimeoutMillis(long v) { requestTimeoutMillis = v; return this; }

        public ProxyOptions build() {
            return new ProxyOptions(ip, port, apiIp, apiPort, defaultTarget, errorTarget, errorPath, authToken,
                    sslKey, sslCert, apiSslKey, apiSslCert, clientSslKey, clientSslCert, clientSslCa, insecure,
                    xForward, prependPath, includePrefix, hostRouting, changeOrigin,
                    connectTimeoutMillis, proxyTimeoutMillis, timeoutMillis, customHeaders,
                    maxUrlLength, maxHeaderSize, eventLoops, maxConnectionsPerTarget,
                    autoRewrite, protocolRewrite, redirectPort, redirectTo, metricsIp, metricsPort,
                    privateCookies, privateTokens, headersTimeoutMillis, requestTimeoutMillis);
        }
    }
}
