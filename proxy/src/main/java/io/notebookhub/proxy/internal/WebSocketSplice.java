package io.notebookhub.proxy.internal;

import io.vertx.core.net.NetSocket;

/**
 * Joins an upgraded client connection to the upgraded target connection as a raw byte tunnel (no
 * frame decoding or re-encoding, so subprotocols, extensions and compression pass untouched), while a
 * {@link FrameScanner} per direction stamps activity: data frames as interactive, ping/pong/close as
 * background.
 */
final class WebSocketSplice {
    private WebSocketSplice() {}

    static void splice(NetSocket client, NetSocket target, RouteEntry entry) {
        pump(client, target, entry);
        pump(target, client, entry);
        target.resume();
        client.resume();
    }

    private static void pump(NetSocket from, NetSocket to, RouteEntry entry) {
        FrameScanner scanner = new FrameScanner();
        from.handler(buf -> {
            int seen = scanner.scan(buf);
            long now = System.currentTimeMillis();
            if ((seen & FrameScanner.DATA) != 0) {
                entry.touchInteractive(now);
            } else if (seen != FrameScanner.NONE) {
                entry.touchBackground(now);
            }
            to.write(buf);
            if (to.writeQueueFull()) {
                from.pause();
                to.drainHandler(v -> from.resume());
            }
        });
        from.endHandler(v -> to.end());
        from.closeHandler(v -> to.close());
        from.exceptionHandler(err -> {
            from.close();
            to.close();
        });
    }
}
