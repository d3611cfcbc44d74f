package io.notebookhub.culler;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link CullTarget} knows about one running (ready, not pending) server. Nullable fields are
 * "unknown here"; the policy says in {@code README.md} how it weighs each one.
 *
 * @param user owner's name
 * @param serverName {@code ""} for the default server
 * @param profile profile slug the server was spawned with, or null
 * @param admin whether the owner is an admin
 * @param started when the server was started (required: the floor of every idle computation)
 * @param routeLastActivity the proxy's {@code last_activity} for the route: all traffic, CHP semantics
 * @param lastInteractiveActivity the proxy's {@code last_interactive_activity}: traffic minus an open
 *        tab's background polling; null when the proxy does not provide it (a stock CHP)
 * @param reportedLastActivity the server's own reports to {@code POST /hub/api/users/<name>/activity}
 *        (in notebook 6.4 these include API polling, so they do not prove a person is working)
 * @param idleTimeout the idle timeout of this server's resolved profile, or null for "not set"
 * @param stateUrl the server's base URL ({@code .../user/alice/}) where {@code api/kernels} and
 *        {@code api/terminals} can be read, or null when the target cannot reach the server
 * @param stateToken token accepted by that server, sent as {@code Authorization: token ...}
 */
public record ServerFacts(
        String user,
        String serverName,
        String profile,
        boolean admin,
        Instant started,
        Instant routeLastActivity,
        Instant lastInteractiveActivity,
        Instant reportedLastActivity,
        Duration idleTimeout,
        URI stateUrl,
        String stateToken) {

    public ServerFacts {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(started, "started");
        serverName = serverName == null ? "" : serverName;
    }

    /** {@code alice} for a default server, {@code alice/gpu} for a named one; used in logs and exemptions. */
    public String displayName() {
        return serverName.isEmpty() ? user : user + "/" + serverName;
    }

    @Override
    public String toString() {
        // The token is a credential; records print every component by default.
        return "ServerFacts[" + displayName() + ", profile=" + profile + ", admin=" + admin
                + ", started=" + started + ", routeLastActivity=" + routeLastActivity
                + ", lastInteractiveActivity=" + lastInteractiveActivity
                + ", reportedLastActivity=" + reportedLastActivity + ", idleTimeout=" + idleTimeout
                + ", stateUrl=" + stateUrl + ", stateToken=" + (stateToken == null ? null : "<redacted>") + "]";
    }
}
