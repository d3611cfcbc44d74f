package io.notebookhub.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code notebook-hub proxy [flags]}: a drop-in for the {@code configurable-http-proxy} command, taking
 * its flags and {@code CONFIGPROXY_AUTH_TOKEN}, so JupyterHub's {@code ConfigurableHTTPProxy.command}
 * can point at it. Runs until the JVM is stopped.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Routing proxy, a drop-in for configurable-http-proxy (reads CONFIGPROXY_AUTH_TOKEN).")
public final class ProxyCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ProxyCommand.class);

    @Option(names = "--ip", description = "Public-facing IP of the proxy (default: all interfaces)")
    String ip = "";
    @Option(names = "--port", description = "Public-facing port of the proxy (default: 8000)")
    int port = 8000;
    @Option(names = "--ssl-key", description = "SSL key to use, if any")
    String sslKey;
    @Option(names = "--ssl-cert", description = "SSL certificate to use, if any")
    String sslCert;
    @Option(names = "--ssl-ca", hidden = true) String sslCa;
    @Option(names = "--ssl-request-cert", hidden = true) boolean sslRequestCert;
    @Option(names = "--ssl-reject-unauthorized", hidden = true) boolean sslRejectUnauthorized;
    @Option(names = "--ssl-protocol", hidden = true) String sslProtocol;
    @Option(names = "--ssl-ciphers", hidden = true) String sslCiphers;
    @Option(names = "--ssl-allow-rc4", hidden = true) boolean sslAllowRc4;
    @Option(names = "--ssl-dhparam", hidden = true) String sslDhparam;
    @Option(names = "--api-ip", description = "Inward-facing IP for API requests (default: localhost)")
    String apiIp = "localhost";
    @Option(names = "--api-port", description = "Inward-facing port for API requests (default: --port + 1)")
    Integer apiPort;
    @Option(names = "--api-ssl-key", description = "SSL key for the API, if any")
    String apiSslKey;
    @Option(names = "--api-ssl-cert", description = "SSL certificate for the API, if any")
    String apiSslCert;
    @Option(names = "--api-ssl-ca", hidden = true) String apiSslCa;
    @Option(names = "--api-ssl-request-cert", hidden = true) boolean apiSslRequestCert;
    @Option(names = "--api-ssl-reject-unauthorized", hidden = true) boolean apiSslRejectUnauthorized;
    @Option(names = "--client-ssl-key", description = "SSL key presented to targets")
    String clientSslKey;
    @Option(names = "--client-ssl-cert", description = "SSL certificate presented to targets")
    String clientSslCert;
    @Option(names = "--client-ssl-ca", description = "CA bundle trusted for targets")
    String clientSslCa;
    @Option(names = "--client-ssl-request-cert", hidden = true) boolean clientSslRequestCert;
    @Option(names = "--client-ssl-reject-unauthorized", hidden = true) boolean clientSslRejectUnauthorized;
    @Option(names = "--default-target", description = "Default proxy target (proto://host[:port])")
    String defaultTarget;
    @Option(names = "--error-target", description = "Alternate server for handling proxy errors (proto://host[:port])")
    String errorTarget;
    @Option(names = "--error-path", description = "Alternate folder of error pages (<code>.html, error.html)")
    String errorPath;
    @Option(names = "--redirect-port", description = "Redirect HTTP requests on this port to the HTTPS port (needs --ssl-key)")
    Integer redirectPort;
    @Option(names = "--redirect-to", description = "Redirect HTTP requests from --redirect-port to this port")
    Integer redirectTo;
    @Option(names = "--pid-file", description = "Write our PID to a file")
    String pidFile;
    @Option(names = "--no-x-forward", description = "Don't add 'X-Forward-' headers to proxied requests")
    boolean noXForward;
    @Option(names = "--no-prepend-path", description = "Avoid prepending target paths to proxied requests")
    boolean noPrependPath;
    @Option(names = "--no-include-prefix", description = "Don't include the routing prefix in proxied requests")
    boolean noIncludePrefix;
    @Option(names = "--auto-rewrite", description = "Rewrite the Location header host/port in redirect responses")
    boolean autoRewrite;
    @Option(names = "--change-origin", description = "Changes the origin of the host header to the target URL")
    boolean changeOrigin;
    @Option(names = "--protocol-rewrite",
            description = "Rewrite the Location header protocol in redirect responses to the specified protocol")
    String protocolRewrite;
    @Option(names = "--custom-header", description = "Custom header to add to proxied requests ('Name: value'); repeatable")
    List<String> customHeaders = new ArrayList<>();
    @Option(names = "--headers-timeout", description = "Timeout (in millis) for a client to send a request's headers "
            + "(default 60000, Node's, which CHP inherits; 0 = none)")
    long headersTimeout = 60_000;
    @Option(names = "--request-timeout", description = "Timeout (in millis) for a client to send a whole request "
            + "(default 300000, Node's; 0 = none)")
    long requestTimeout = 300_000;
    @Option(names = "--strip-cookie", description = "Cookie never forwarded to a route other than / (the hub's own "
            + "login cookies); repeatable. Not a CHP flag")
    List<String> stripCookies = new ArrayList<>();
    @Option(names = "--insecure", description = "Disable SSL cert verification of targets")
    boolean insecure;
    @Option(names = "--host-routing", description = "Use host routing (host as first level of path)")
    boolean hostRouting;
    @Option(names = "--metrics-ip", description = "IP for metrics server (default: all interfaces)")
    String metricsIp;
    @Option(names = "--metrics-port", description = "Port of metrics server (GET /metrics). Defaults to no metrics server")
    Integer metricsPort;
    @Option(names = "--statsd-host", hidden = true) String statsdHost;
    @Option(names = "--statsd-port", hidden = true) Integer statsdPort;
    @Option(names = "--statsd-prefix", hidden = true) String statsdPrefix;
    @Option(names = "--log-level", description = "Log level (debug, info, warn, error)")
    String logLevel = "info";
    @Option(names = "--timeout", description = "Timeout (in millis) when proxy drops an idle client connection")
    long timeout;
    @Option(names = "--proxy-timeout", description = "Timeout (in millis) when proxy receives no response from target")
    long proxyTimeout;
    @Option(names = "--keep-alive-timeout", description = "Accepted for compatibility; upstream pools keep idle connections 60 s")
    long keepAliveTimeout = 5000;
    @Option(names = "--connect-timeout", description = "Timeout (in millis) to connect to a target (default 20000)")
    long connectTimeout = 20_000;
    @Option(names = "--storage-backend", hidden = true) String storageBackend;
    @Option(names = "--event-loops", description = "Forwarding event loops (default: one per processor)")
    int eventLoops;

    /** Counted down by tests (or an embedding launcher) to stop; the JVM's shutdown also stops the proxy. */
    final CountDownLatch stop = new CountDownLatch(1);

    public static void main(String[] args) {
        System.exit(new CommandLine(new ProxyCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        LogLevel.set(logLevel);
        warnIgnored();
        ProxyOptions options = toOptions(System.getenv("CONFIGPROXY_AUTH_TOKEN"));
        // No class-path files to resolve: resolving them makes a cache folder in /tmp that a killed proxy leaves.
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false)));
        ProxyServer server;
        try {
            server = ProxyServer.start(vertx, options).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.error("Proxy failed to start: {}", e.getCause() != null ? e.getCause().toString() : e.toString());
            vertx.close();
            return 1;
        }
        log.info("Native transport (epoll): {}", vertx.isNativeTransportEnabled());
        if (pidFile != null) {
            Files.writeString(Path.of(pidFile), Long.toString(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
        }
        Thread hook = new Thread(() -> shutdown(vertx, server), "proxy-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
        Runtime.getRuntime().removeShutdownHook(hook);
        shutdown(vertx, server);
        return 0;
    }

    private void shutdown(Vertx vertx, ProxyServer server) {
        try {
            server.close().eventually(() -> vertx.close()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Proxy did not stop cleanly: {}", e.toString());
        }
        if (pidFile != null) {
            try {
                Files.deleteIfExists(Path.of(pidFile));
            } catch (java.io.IOException e) {
                log.warn("Could not remove pid file {}: {}", pidFile, e.toString());
            }
        }
    }

    ProxyOptions toOptions(String token) {
        ProxyOptions.Builder b = ProxyOptions.builder()
                .ip(ip == null || ip.isEmpty() || ip.equals("*") ? "0.0.0.0" : ip)
                .port(port)
                .apiIp(apiIp == null || apiIp.isEmpty() ? "0.0.0.0" : apiIp)
                .apiPort(apiPort == null ? -1 : apiPort)
                .defaultTarget(defaultTarget)
                .errorTarget(errorTarget)
                .errorPath(errorPath)
                .authToken(token == null || token.isEmpty() ? null : token)
                .ssl(sslKey, sslCert)
                .apiSsl(apiSslKey, apiSslCert)
                .clientSsl(clientSslKey, clientSslCert, clientSslCa)
                .insecure(insecure)
                .xForward(!noXForward)
                .prependPath(!noPrependPath)
                .includePrefix(!noIncludePrefix)
                .hostRouting(hostRouting)
                .changeOrigin(changeOrigin)
                .timeoutMillis(timeout)
                .proxyTimeoutMillis(proxyTimeout)
                .connectTimeoutMillis(connectTimeout)
                .eventLoops(eventLoops)
                .autoRewrite(autoRewrite)
                .protocolRewrite(protocolRewrite == null || protocolRewrite.isEmpty() ? null
                        : protocolRewrite.replaceAll(":$", ""))
                .redirect(redirectPort == null ? -1 : redirectPort, redirectTo == null ? 0 : redirectTo)
                .metrics(metricsIp == null || metricsIp.isEmpty() ? "0.0.0.0" : metricsIp,
                        metricsPort == null ? -1 : metricsPort);
        stripCookies.forEach(b::privateCookie);
        b.headersTimeoutMillis(headersTimeout).requestTimeoutMillis(requestTimeout);
        for (String h : customHeaders) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--custom-header must be 'Name: value', was '" + h + "'");
            }
            b.customHeader(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
    }

    private void warnIgnored() {
        if (statsdHost != null || sslRequestCert || apiSslRequestCert || clientSslRequestCert || storageBackend != null) {
            log.warn("Ignoring configurable-http-proxy flags this proxy does not implement: "
                    + "--statsd-*, --*-ssl-request-cert, --storage-backend (whichever were given)");
        }
    }
}
