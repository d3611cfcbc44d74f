package io.notebookhub.culler;

/**
 * Hook for the hub: count culls in a metric by profile, record events. Methods are called on a Vert.x
 * thread and must not block; an exception thrown here is logged and otherwise ignored.
 */
public interface CullListener {

    CullListener NONE = new CullListener() {};

    /** A server was culled (its stop returned STOPPED or STOPPING). */
    default void serverCulled(CullReport.CulledServer server) {}

    /** A user was deleted by {@code cull_users}. */
    default void userDeleted(String user, String reason) {}

    /** A stop, deletion or listing failed; the round carried on. */
    default void cullFailed(CullReport.CullFailure failure) {}

    /** A round finished. */
    default void roundFinished(CullReport report) {}
}
