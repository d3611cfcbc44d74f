package io.notebookhub.culler;

import static io.notebookhub.culler.Servers.NOW;

import io.vertx.core.Vertx;

/** One test's fake hub, server-state reader, listener and clock, and the builder of a culler wired to them. */
final class CullerHarness {
    /** The hub the culler lists and stops; a test may swap in a misbehaving one before building. */
    FakeTarget target = new FakeTarget();
    final Servers.FakeStateReader reader = new Servers.FakeStateReader();
    final RecordingListener listener = new RecordingListener();
    final MutableClock clock = new MutableClock(NOW);

    Culler.Builder culler(Vertx vertx) {
        return Culler.builder(vertx, target).stateReader(reader).clock(clock).listener(listener);
    }

    void add(ServerFacts server, ServerState state) {
        target.servers.add(server);
        if (state != null) {
            reader.put(server, state);
        }
    }
}
