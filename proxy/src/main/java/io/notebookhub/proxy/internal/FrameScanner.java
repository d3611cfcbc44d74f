package io.notebookhub.proxy.internal;

import io.vertx.core.buffer.Buffer;

/**
 * Follows WebSocket frame boundaries in one direction of a raw tunnel without decoding payloads:
 * it reads each frame header and jumps over the payload, so its cost grows with the number of frames,
 * not bytes. It only needs to know whether a chunk carried data frames or just control frames.
 */
final class FrameScanner {
    static final int NONE = 0;
    static final int CONTROL = 1;
    static final int DATA = 2;

    private static final int HEAD = 0;
    private static final int LEN = 1;
    private static final int EXT_LEN = 2;
    private static final int MASK = 3;
    private static final int PAYLOAD = 4;

    private int state = HEAD;
    private boolean masked;
    private int extBytesLeft;
    private long payloadLeft;
    private int maskBytesLeft;
    private boolean currentIsData;

    /** Scans a chunk; returns a bit set of {@link #CONTROL} and {@link #DATA} for frames seen in it. */
    int scan(Buffer buf) {
        int seen = NONE;
        int n = buf.length();
        int i = 0;
        if (state != HEAD && n > 0) {
            seen |= currentIsData ? DATA : CONTROL; // the chunk continues a frame begun in an earlier one
        }
        while (i < n) {
            switch (state) {
                case HEAD -> {
                    int opcode = buf.getByte(i++) & 0x0f;
                    currentIsData = opcode < 8;
                    seen |= currentIsData ? DATA : CONTROL;
                    state = LEN;
                }
                case LEN -> {
                    int b = buf.getByte(i++) & 0xff;
                    masked = (b & 0x80) != 0;
                    int len = b & 0x7f;
                    payloadLeft = 0;
                    if (len == 126) {
                        extBytesLeft = 2;
                        state = EXT_LEN;
                    } else if (len == 127) {
                        extBytesLeft = 8;
                        state = EXT_LEN;
                    } else {
                        payloadLeft = len;
                        afterLength();
                    }
                }
                case EXT_LEN -> {
                    payloadLeft = (payloadLeft << 8) | (buf.getByte(i++) & 0xff);
                    if (--extBytesLeft == 0) {
                        afterLength();
                    }
                }
                case MASK -> {
                    i++;
                    if (--maskBytesLeft == 0) {
                        state = payloadLeft > 0 ? PAYLOAD : HEAD;
                    }
                }
                default -> {
                    long skip = Math.min(payloadLeft, n - i);
                    i += (int) skip;
                    payloadLeft -= skip;
                    if (payloadLeft == 0) {
                        state = HEAD;
                    }
                }
            }
        }
        return seen;
    }

    private void afterLength() {
        if (masked) {
            maskBytesLeft = 4;
            state = MASK;
        } else {
            state = payloadLeft > 0 ? PAYLOAD : HEAD;
        }
    }
}
