package io.notebookhub.culler.internal;

import io.notebookhub.culler.CullPolicy;
import io.notebookhub.culler.ServerFacts;
import io.notebookhub.culler.ServerState;
import java.util.Optional;

/**
 * Counts what a person or a computation does, not what an open tab polls: interactive proxy traffic, kernel
 * messages and terminal I/O; a busy kernel keeps the server whatever the time.
 *
 * <p>Never counted: the route's {@code last_activity} and kernel connection counts, because an idle open tab
 * moves both; and, while the server's state can be read, the server's activity reports, because notebook 6.4
 * reports every authenticated API request, including the culler's own reads of {@code api/kernels}.
 *
 * <p>When the state cannot be read, a busy kernel would be invisible, so the server's activity reports count
 * too (the culler's failed reads are not authenticated and do not move them): culling a working server loses
 * someone's work, keeping an idle one only costs money.
 */
public final class ActivityAwarePolicy implements CullPolicy {
    public static final String ID = "activity";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean readsServerState() {
        return true;
    }

    @Override
    public Evidence evaluate(ServerFacts server, Optional<ServerState> state) {
        Latest latest = new Latest(server.started(), "server start")
                .offer(server.lastInteractiveActivity(), "interactive proxy traffic");
        if (state.isEmpty()) {
            return latest.offer(server.reportedLastActivity(), "activity report")
                    .evidence(false, "server state unreadable, activity reports count");
        }
        ServerState s = state.get();
        s.kernels().forEach(k -> latest.offer(k.lastActivity(), "kernel " + k.id() + " activity"));
        s.terminals().forEach(t -> latest.offer(t.lastActivity(), "terminal " + t.name() + " activity"));
        String note = server.lastInteractiveActivity() == null ? "proxy gives no interactive activity" : null;
        return latest.evidence(s.anyKernelBusy(), note);
    }
}
