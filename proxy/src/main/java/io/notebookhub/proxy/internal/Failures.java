package io.notebookhub.proxy.internal;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/** Maps a failure talking to a target onto the status the user sees and whether the target is gone. */
final class Failures {
    private Failures() {}

    static int status(Throwable cause) {
        return isTimeout(cause) ? 504 : 503;
    }

    /** Refused, unreachable, unknown, or silent past its timeout: the hub should check that server. */
    static boolean isTargetGone(Throwable cause) {
        return cause instanceof ConnectException
                || cause instanceof NoRouteToHostException
                || cause instanceof UnknownHostException
                || isTimeout(cause);
    }

    private static boolean isTimeout(Throwable cause) {
        if (cause instanceof ConnectTimeoutException || cause instanceof TimeoutException) {
            return true;
        }
        // Vert.x reports request idle timeouts with its own exception type (NoStackTraceTimeoutException).
        String name = cause.getClass().getSimpleName();
        return name.contains("Timeout") && !(cause instanceof HttpClosedException);
    }
}
