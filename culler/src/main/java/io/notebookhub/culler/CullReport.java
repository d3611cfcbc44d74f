package io.notebookhub.culler;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of one culling round.
 *
 * @param examined servers listed as ready by the target
 * @param culled servers stopped (or whose stop was accepted and is still running) this round
 * @param failures stops, deletions or listings that failed; the rest of the round went on
 * @param deletedUsers users deleted by {@code cull_users}
 */
public record CullReport(Instant startedAt, Instant finishedAt, int examined, List<CulledServer> culled,
                         List<CullFailure> failures, List<String> deletedUsers) {

    public CullReport {
        culled = List.copyOf(culled);
        failures = List.copyOf(failures);
        deletedUsers = List.copyOf(deletedUsers);
    }

    /**
     * One culled server.
     *
     * @param cause why it was culled
     * @param reason the sentence recorded on the server and logged ({@code idle 3712 s > 3600 s, profile gpu})
     * @param stillStopping the target accepted the stop but had not finished it (JupyterHub's 202)
     */
    public record CulledServer(String user, String serverName, String profile, Cause cause, String reason,
                               boolean stillStopping) {}

    /** Why a server was culled. */
    public enum Cause { IDLE, MAX_AGE }

    /**
     * Something the round could not do.
     *
     * @param user the user concerned, or null for a failed listing
     * @param serverName the server concerned, or null
     * @param action {@code list-servers}, {@code stop-server}, {@code list-users} or {@code delete-user}
     */
    public record CullFailure(String user, String serverName, String action, String message) {}
}
