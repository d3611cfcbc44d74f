package io.notebookhub.hub.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.concurrent.CountDownLatch;

/**
 * Logback's pattern encoder, started on a thread of its own; encoding waits until it has started. Starting it (the
 * pattern's converters, the date formatter and its time zone) is most of the time logging takes to get ready, and
 * Vert.x, which may log while it starts, can start only once logging is ready: started beside, it costs a restart
 * nothing. Nothing is lost or reordered: the first line waits for the encoder rather than being written without it.
 */
final class BackgroundStartedEncoder extends EncoderBase<ILoggingEvent> {
    private final PatternLayoutEncoder pattern;
    private final CountDownLatch ready = new CountDownLatch(1);

    BackgroundStartedEncoder(PatternLayoutEncoder pattern) {
        this.pattern = pattern;
    }

    /** The encoder's pattern ({@link PatternLayoutEncoder#getPattern}). */
    String pattern() {
        return pattern.getPattern();
    }

    @Override
    public void start() {
        Thread starting = new Thread(() -> {
            try {
                pattern.start();
            } finally {
                ready.countDown();
            }
        }, "logging-encoder-start");
        starting.setDaemon(true);
        starting.start();
        super.start();
    }

    @Override
    public void stop() {
        started().stop();
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return started().headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return started().encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return started().footerBytes();
    }

    private PatternLayoutEncoder started() {
        boolean interrupted = false;
        while (true) {
            try {
                ready.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return pattern;
    }
}
