package io.notebookhub.hub.servers;

import io.notebookhub.spawner.ServerId;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The progress events of each server's latest spawn, in JupyterHub's shape
 * ({@code {"progress": N, "message": "...", "ready": bool, "failed": bool, "url": ...}}), replayed to late
 * subscribers so a page opened mid-spawn still sees the whole story.
 */
public final class SpawnProgressBus {

    private static final class Stream {
        final List<JsonObject> events = new ArrayList<>();
        final List<Consumer<JsonObject>> subscribers = new ArrayList<>();
        boolean finished;
    }

    private final Map<ServerId, Stream> streams = new ConcurrentHashMap<>();

    void begin(ServerId id) {
        streams.put(id, new Stream());
    }

    void publish(ServerId id, JsonObject event) {
        Stream s = streams.computeIfAbsent(id, k -> new Stream());
        List<Consumer<JsonObject>> targets;
        synchronized (s) {
            if (s.finished) {
                return;
            }
            s.events.add(event);
            s.finished = event.getBoolean("ready", false) || event.getBoolean("failed", false);
            targets = List.copyOf(s.subscribers);
            if (s.finished) {
                s.subscribers.clear();
            }
        }
        targets.forEach(t -> t.accept(event));
    }

    /**
     * Replays the events so far to {@code subscriber} and streams the rest. Returns false when nothing was ever
     * published for this server.
     */
    public boolean subscribe(ServerId id, Consumer<JsonObject> subscriber) {
        Stream s = streams.get(id);
        if (s == null) {
            return false;
        }
        List<JsonObject> replay;
        synchronized (s) {
            replay = List.copyOf(s.events);
            if (!s.finished) {
                s.subscribers.add(subscriber);
            }
        }
        replay.forEach(subscriber);
        return true;
    }

    public void unsubscribe(ServerId id, Consumer<JsonObject> subscriber) {
        Stream s = streams.get(id);
        if (s != null) {
            synchronized (s) {
                s.subscribers.remove(subscriber);
            }
        }
    }
}
