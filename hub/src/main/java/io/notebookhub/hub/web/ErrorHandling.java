package io.notebookhub.hub.web;

import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.refusals.Conflict;
import io.notebookhub.hub.refusals.InvalidRequest;
import io.notebookhub.hub.refusals.Refusal;
import io.notebookhub.hub.web.Html;
import io.notebookhub.hub.web.Templates;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler: API paths answer JupyterHub's {@code {"status": N, "message": "..."}}, pages an
 * HTML page. Unexpected errors are logged once here and shown without internals.
 */
public final class ErrorHandling {
    private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);

    private ErrorHandling() {
    }

    public static void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        int status;
        String message;
        if (failure instanceof HttpError || failure instanceof Refusal) {
            status = statusOf(failure);
            message = failure.getMessage();
        } else if (failure instanceof DecodeException || failure instanceof IllegalArgumentException) {
            status = 400;
            message = "Invalid request body: " + firstLine(failure.getMessage());
        } else if (failure != null) {
            status = 500;
            message = "Internal error; the hub's log has the details";
            log.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
        } else {
            status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            message = switch (status) {
                case 404 -> "Not found";
                case 405 -> "Method not allowed";
                case 413 -> "Request body too large";
                default -> "Request failed";
            };
        }
        respond(ctx, status, message);
    }

    /** The status a failure answers with: its own for an {@link HttpError}, the refusal's kind's, else 500. */
    public static int statusOf(Throwable failure) {
        if (failure instanceof HttpError e) {
            return e.status();
        }
        if (failure instanceof InvalidRequest) {
            return 400;
        }
        if (failure instanceof Conflict) {
            return 409;
        }
        return 500;
    }

    public static void respond(RoutingContext ctx, int status, String message) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        if (isApi(ctx.request().path())) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("status", status).put("message", message).encode());
        } else {
            errorPage(ctx, status, status + " " + reason(status), message);
        }
    }

    /** The error.html page; a plain page when the templates are not there or fail (the log says why). */
    public static void errorPage(RoutingContext ctx, int status, String title, String message) {
        Templates templates = Templates.of(ctx);
        if (templates == null) {
            plainErrorPage(ctx, status, title, message);
            return;
        }
        templates.render(ctx, "error.html", Map.of("title", title, "message", message, "status", status))
                .onSuccess(page -> {
                    if (!ctx.response().ended()) {
                        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
                                .end(page);
                    }
                })
                .onFailure(e -> {
                    log.error("the error page template failed to render", e);
                    plainErrorPage(ctx, status, title, message);
                });
    }

    private static void plainErrorPage(RoutingContext ctx, int status, String title, String message) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
                    .end("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Html.escape(title)
                            + "</title></head><body><h1>" + Html.escape(title) + "</h1><p class=\"error\">"
                            + Html.escape(message) + "</p><p><a href=\"/hub/home\">Home</a></p></body></html>");
        }
    }

    static boolean isApi(String path) {
        return path != null && path.startsWith("/hub/api");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }
}
