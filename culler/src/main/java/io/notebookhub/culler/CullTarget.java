package io.notebookhub.culler;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where the culler reads servers and stops them: the hub in process, or {@link RestApiCullTarget} over
 * JupyterHub's REST API. Implementations never block the calling thread.
 */
public interface CullTarget {

    /** Servers that are ready and have no pending action; pending and stopped servers are never culled. */
    Future<List<ServerFacts>> readyServers();

    /**
     * Stops one server the normal way (the route goes, the pod or process stops, the volume stays).
     *
     * @param reason why, for a person ({@code idle 3712 s > 3600 s, profile gpu}); the hub records it on the server
     * @param remove also delete a named server's record ({@code remove_named_servers}); never true for a default server
     * @return {@link StopOutcome#STOPPED}, or {@link StopOutcome#STOPPING} when the stop was accepted but is still running
     */
    Future<StopOutcome> stopServer(ServerFacts server, String reason, boolean remove);

    /** Users with no active server, for {@code cull_users}. */
    Future<List<UserFacts>> usersWithoutServers();

    /** Deletes a user (their servers are already stopped). */
    Future<Void> deleteUser(String name, String reason);

    /** The two successful ends of a stop: JupyterHub answers 204 and 202 for them. */
    enum StopOutcome { STOPPED, STOPPING }
}
