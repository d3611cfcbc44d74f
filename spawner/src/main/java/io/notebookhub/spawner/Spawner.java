package io.notebookhub.spawner;

import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Starts, watches and stops single-user servers. One implementation is chosen by id at start-up.
 * Methods never block the caller; blocking work runs on the spawner's own workers.
 */
public interface Spawner extends AutoCloseable {

    /** The id used in configuration ({@code local}, {@code kubernetes}). */
    String id();

    /**
     * Starts a server and completes when it answers HTTP. On failure completes with a
     * {@link SpawnFailedException} whose message is for the user, having removed what it created
     * (but never the user's home volume or folder).
     */
    Future<SpawnedServer> start(SpawnRequest request, Consumer<SpawnProgress> progress);

    /** Stops a server and completes when it is gone. The home volume or folder is kept. */
    Future<Void> stop(ServerId server, Map<String, String> state);

    /** The running server described by {@code state}, or empty when it is gone. */
    Future<Optional<SpawnedServer>> status(ServerId server, Map<String, String> state);

    /**
     * After a hub restart: given the servers the hub believes are running, completes with those still
     * running (adopted, with their current address), and removes servers this spawner started that the
     * hub does not know.
     */
    Future<Map<ServerId, SpawnedServer>> reconcile(Map<ServerId, Map<String, String>> known);

    /** Called (on any thread) when a server stops without being asked, with a reason for the user. */
    void onUnexpectedExit(BiConsumer<ServerId, String> listener);

    /**
     * What keeps this spawner from seeing its servers as they are (a watch that is down), or empty. The hub's health
     * endpoint reports it, so an orchestrator restarts a hub stuck on a frozen view.
     */
    default Optional<String> problem() {
        return Optional.empty();
    }

    /** Deletes a user's persistent home (PVC or folder). Only called when configuration says so. */
    Future<Void> deleteHome(String user);

    @Override
    void close();
}
