package io.notebookhub.spawner;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Starts, watches and stops single-user servers. One implementation is chosen by id at start-up.
 * Methods never block the caller; blocking work runs on the spawner's own workers.
 *
 * <p>Spawner state ({@code Map<String, Object>}) holds JSON values (strings, numbers, booleans); the hub stores
 * it verbatim and shows it as the server's {@code state} in the REST API.
 */
public interface Spawner extends AutoCloseable {

    /** The id used in configuration ({@code local}, {@code kubernetes}). */
    String id();

    /**
     * What a new start of {@code server} will launch, before anything is launched: enough for
     * {@link #reconcile} to find it (a marker, a pod name) whatever happens next. The hub records it (committed:
     * a killed hub finds it) and then passes it to {@link #start} in {@link SpawnRequest#intent()}. Cheap and free
     * of side effects.
     */
    Map<String, Object> intent(ServerId server);

    /**
     * Starts a server and completes when it answers HTTP. On failure completes with a
     * {@link SpawnFailedException} whose message is for the user, having removed what it created
     * (but never the user's home volume or folder). Anything left over from an earlier start of the same
     * server (a crash of the hub mid-spawn) is stopped or adopted first, never run beside the new one.
     */
    Future<SpawnedServer> start(SpawnRequest request, Consumer<SpawnProgress> progress);

    /**
     * Gets ready to spawn, once, before the hub serves anyone (e.g. fills the caches it watches servers through);
     * fails when it cannot work at all, saying why.
     */
    default Future<Void> open() {
        return Future.succeededFuture();
    }

    /** Stops a server and completes when it is gone. The home volume or folder is kept. */
    Future<Void> stop(ServerId server, Map<String, Object> state);

    /** The running server described by {@code state}, or empty when it is gone. */
    Future<Optional<SpawnedServer>> status(ServerId server, Map<String, Object> state);

    /**
     * After a hub restart (graceful or a crash): given every server the hub has recorded as not stopped, with
     * the state recorded so far (for a server that was starting this may be only its {@link #intent}),
     * finds what runs. Completes once every server this spawner can attribute to this hub is accounted for:
     * those the hub does not know (or a second one of a known server) have been stopped. The map has an
     * entry for each known server that was found; its future completes when the server answers (at once for
     * one that already did), or fails, having stopped it, when it does not answer within
     * {@code startTimeout} or exits. A known server without an entry runs nowhere.
     */
    Future<Map<ServerId, Future<SpawnedServer>>> reconcile(Map<ServerId, Map<String, Object>> known,
                                                           Duration startTimeout);

    /** Called (on any thread) when a server stops without being asked, with a reason for the user. */
    void onUnexpectedExit(BiConsumer<ServerId, String> listener);

    /**
     * What keeps this spawner from seeing its servers as they are (a watch that is down), or empty. The hub's health
     * endpoint reports it, so an orchestrator restarts a hub stuck on a frozen view.
     */
    default Optional<String> problem() {
        return Optional.empty();
    }

    /**
     * Called after a user is deleted: deletes their persistent home (PVC or folder) when this spawner's configuration
     * says so, and otherwise keeps it.
     */
    Future<Void> deleteHome(String user);

    @Override
    void close();
}
