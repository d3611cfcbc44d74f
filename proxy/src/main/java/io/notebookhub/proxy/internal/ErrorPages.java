package io.notebookhub.proxy.internal;

import io.notebookhub.proxy.ProxyOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page a user sees when there is no route or the target fails, in CHP's order of preference:
 * {@code GET <errorTarget>/<code>?url=<request uri>} (the hub's error handler, status kept),
 * then {@code <errorPath>/<code>.html} or {@code error.html}, then a short built-in page.
 */
final class ErrorPages {
    private static final Logger log = LoggerFactory.getLogger(ErrorPages.class);
    /**
     * A person is already looking at a failure: if the hub's error handler is stuck too, the built-in page after this
     * long (or the shorter {@code --proxy-timeout}) beats a page that never comes.
     */
    private static final long ERROR_TARGET_TIMEOUT_MILLIS = 10_000;
    private final Vertx vertx;
    private final HttpClient client;
    private final Target errorTarget;
    private final String errorPath;
    private final long errorTargetTimeoutMillis;

    ErrorPages(Vertx vertx, HttpClient client, ProxyOptions options) {
        this.vertx = vertx;
        this.client = client;
        this.errorTarget = options.errorTarget() == null ? null : Target.parse(options.errorTarget());
        this.errorPath = options.errorPath();
        this.errorTargetTimeoutMillis = options.proxyTimeoutMillis() > 0
                ? Math.min(options.proxyTimeoutMillis(), ERROR_TARGET_TIMEOUT_MILLIS) : ERROR_TARGET_TIMEOUT_MILLIS;
    }

    void send(HttpServerRequest req, int status) {
        if (errorTarget != null) {
            fromErrorTarget(req, status);
        } else if (errorPath != null) {
            fromErrorPath(req, status);
        } else {
            builtIn(req.response(), status, req.path());
        }
    }

    private void fromErrorTarget(HttpServerRequest req, int status) {
        String uri = errorTarget.basePath() + "/" + status + "?url="
                + URLEncoder.encode(req.uri(), StandardCharsets.UTF_8);
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost(errorTarget.host())
                .setPort(errorTarget.port()).setSsl(errorTarget.ssl()).setURI(uri)
                .setIdleTimeout(errorTargetTimeoutMillis);
        HttpServerResponse sr = req.response();
        client.request(ro)
                .compose(creq -> creq.send())
                .compose(resp -> resp.body().map(body -> {
                    sr.setStatusCode(status);
                    copy(resp.getHeader(HttpHeaders.CONTENT_TYPE), sr, HttpHeaders.CONTENT_TYPE);
                    copy(resp.getHeader(HttpHeaders.CONTENT_ENCODING), sr, HttpHeaders.CONTENT_ENCODING);
                    return body;
                }))
                .onSuccess(body -> {
                    if (!sr.ended() && !sr.closed()) {
                        sr.end(body);
                    }
                })
                .onFailure(err -> {
                    log.warn("Error target {} failed: {}", errorTarget.authority(), err.toString());
                    builtIn(sr, status, req.path());
                });
    }

    private static void copy(String value, HttpServerResponse sr, CharSequence name) {
        if (value != null) {
            sr.putHeader(name, value);
        }
    }

    private void fromErrorPath(HttpServerRequest req, int status) {
        HttpServerResponse sr = req.response();
        vertx.<Buffer>executeBlocking(() -> {
            Path specific = Path.of(errorPath, status + ".html");
            Path generic = Path.of(errorPath, "error.html");
            Path file = Files.isReadable(specific) ? specific : Files.isReadable(generic) ? generic : null;
            return file == null ? null : Buffer.buffer(Files.readAllBytes(file));
        }, false).onComplete(ar -> {
            if (ar.succeeded() && ar.result() != null) {
                if (!sr.ended() && !sr.closed()) {
                    sr.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                            .end(ar.result());
                }
            } else {
                builtIn(sr, status, req.path());
            }
        });
    }

    static void builtIn(HttpServerResponse sr, int status, String path) {
        if (sr.ended() || sr.closed() || sr.headWritten()) {
            return;
        }
        String title = switch (status) {
            case 404 -> "404 Not Found";
            case 503 -> "503 Service Unavailable";
            case 504 -> "504 Gateway Timeout";
            default -> status + " Error";
        };
        String explanation = switch (status) {
            case 404 -> "No server is routed at this address.";
            case 504 -> "The server for this address did not answer in time. It may be busy or stuck; "
                    + "try again, or restart it from the hub's home page.";
            default -> "The server for this address is not answering. It may have stopped; "
                    + "start it again from the hub's home page.";
        };
        String html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>"
                + "<body><h1>" + title + "</h1><p>" + explanation + "</p><p><code>" + escape(path)
                + "</code></p><p><a href=\"/hub/home\">Go to the hub</a></p></body></html>";
        sr.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8").end(html);
    }

    private static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
