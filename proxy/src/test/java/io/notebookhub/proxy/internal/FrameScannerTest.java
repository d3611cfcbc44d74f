package io.notebookhub.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class FrameScannerTest {

    private static Buffer frame(int opcode, boolean masked, int length) {
        Buffer b = Buffer.buffer();
        b.appendByte((byte) (0x80 | opcode));
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            b.appendByte((byte) (maskBit | length));
        } else if (length < 65536) {
            b.appendByte((byte) (maskBit | 126)).appendShort((short) length);
        } else {
            b.appendByte((byte) (maskBit | 127)).appendLong(length);
        }
        if (masked) {
            b.appendInt(0x01020304);
        }
        // Payload bytes that look like frame headers, to prove they are skipped, not parsed.
        for (int i = 0; i < length; i++) {
            b.appendByte((byte) 0x89);
        }
        return b;
    }

    @Test
    void tellsPingAndPongFromDataFrames() {
        FrameScanner s = new FrameScanner();
        assertThat(s.scan(frame(9, true, 4))).isEqualTo(FrameScanner.CONTROL);
        assertThat(s.scan(frame(10, false, 0))).isEqualTo(FrameScanner.CONTROL);
        assertThat(s.scan(frame(1, true, 10))).isEqualTo(FrameScanner.DATA);
        assertThat(s.scan(frame(2, false, 200))).isEqualTo(FrameScanner.DATA);
    }

    @Test
    void followsFramesSplitAcrossChunksAtEveryByte() {
        Buffer data = Buffer.buffer().appendBuffer(frame(2, true, 70_000)).appendBuffer(frame(1, false, 300));
        Buffer control = Buffer.buffer().appendBuffer(frame(9, true, 3)).appendBuffer(frame(10, false, 2));
        for (int cut = 1; cut < 20; cut++) {
            FrameScanner s = new FrameScanner();
            for (int i = 0; i < data.length(); i += cut) {
                assertThat(s.scan(data.getBuffer(i, Math.min(data.length(), i + cut)))).isEqualTo(FrameScanner.DATA);
            }
            for (int i = 0; i < control.length(); i += cut) {
                assertThat(s.scan(control.getBuffer(i, Math.min(control.length(), i + cut))))
                        .isEqualTo(FrameScanner.CONTROL);
            }
        }
    }
}
