package io.notebookhub.culler;

import io.vertx.core.Future;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Builders of server facts and states relative to the test clock's "now". */
final class Servers {
    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private Servers() {}

    static Instant ago(Duration d) {
        return d == null ? null : NOW.minus(d);
    }

    static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    /**
     * @param started how long ago the server started
     * @param interactive how long ago the proxy saw interactive traffic (null: proxy does not say)
     * @param route how long ago the proxy saw any traffic
     * @param reported how long ago the server last reported activity
     */
    static ServerFacts server(String user, String serverName, String profile, Duration started, Duration interactive,
                              Duration route, Duration reported) {
        return new ServerFacts(user, serverName, profile, false, ago(started), ago(route), ago(interactive),
                ago(reported), null, stateUrl(user, serverName), "token-" + user);
    }

    static ServerFacts idle(String user, String profile, long idleSeconds) {
        Duration d = s(idleSeconds);
        return server(user, "", profile, d.plusHours(1), d, d, d);
    }

    static ServerFacts withAdmin(ServerFacts f) {
        return new ServerFacts(f.user(), f.serverName(), f.profile(), true, f.started(), f.routeLastActivity(),
                f.lastInteractiveActivity(), f.reportedLastActivity(), f.idleTimeout(), f.stateUrl(), f.stateToken());
    }

    static ServerFacts withIdleTimeout(ServerFacts f, Duration timeout) {
        return new ServerFacts(f.user(), f.serverName(), f.profile(), f.admin(), f.started(), f.routeLastActivity(),
                f.lastInteractiveActivity(), f.reportedLastActivity(), timeout, f.stateUrl(), f.stateToken());
    }

    static URI stateUrl(String user, String serverName) {
        return URI.create("http://127.0.0.1:9/user/" + user + "/" + (serverName.isEmpty() ? "" : serverName + "/"));
    }

    static ServerState.Kernel kernel(String state, Duration lastActivityAgo, int connections) {
        return new ServerState.Kernel("k-" + state, "python3", state, ago(lastActivityAgo), connections);
    }

    static ServerState state(List<ServerState.Kernel> kernels, List<ServerState.Terminal> terminals) {
        return new ServerState(kernels, terminals);
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** A state reader answering from a map; servers not in it cannot be read. */
    static final class FakeStateReader implements ServerStateReader {
        final Map<URI, ServerState> states = new ConcurrentHashMap<>();
        final Map<URI, String> tokensSeen = new ConcurrentHashMap<>();

        void put(ServerFacts server, ServerState state) {
            states.put(server.stateUrl(), state);
        }

        @Override
        public Future<ServerState> read(URI baseUrl, String token) {
            tokensSeen.put(baseUrl, token);
            ServerState s = states.get(baseUrl);
            return s == null ? Future.failedFuture("connection refused: " + baseUrl) : Future.succeededFuture(s);
        }
    }
}
