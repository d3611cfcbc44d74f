package io.notebookhub.culler.internal;

import io.notebookhub.culler.CullPolicy;
import io.notebookhub.culler.ServerFacts;
import io.notebookhub.culler.ServerState;
import java.util.Optional;

/**
 * JupyterHub's rule: the latest of the proxy's route activity (every request and WebSocket frame) and the
 * server's activity reports. Kernels are not read, so a quiet long computation is culled and an open tab
 * that polls keeps a server forever.
 */
public final class TrafficOnlyPolicy implements CullPolicy {
    public static final String ID = "traffic";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean readsServerState() {
        return false;
    }

    @Override
    public Evidence evaluate(ServerFacts server, Optional<ServerState> state) {
        return new Latest(server.started(), "server start")
                .offer(server.routeLastActivity(), "proxy traffic")
                .offer(server.lastInteractiveActivity(), "proxy traffic")
                .offer(server.reportedLastActivity(), "activity report")
                .evidence(false, null);
    }
}
