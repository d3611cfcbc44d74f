package io.notebookhub.spawner.local;

import io.notebookhub.spawner.ServerId;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The local spawner's first look at what runs, on threads of its own from the moment it is begun: the sealing key of
 * the servers' markers beside {@code /proc} (this hub's processes and the ports they listen on), then which of those
 * servers vouch for themselves. Nothing in it needs Vert.x, so a restarting hub begins it before Vert.x is ready and
 * routes the vouched servers as soon as its proxy listens; the spawner made later takes the same look for the
 * adoption ({@link LocalProcessSpawner#open}).
 */
public final class LocalLookAhead {
    private final CompletableFuture<ServerProcesses> processes = new CompletableFuture<>();
    private final CompletableFuture<LocalAdoption.Survey> survey = new CompletableFuture<>();
    private final CompletableFuture<Map<ServerId, String>> vouched = new CompletableFuture<>();

    private LocalLookAhead() {
    }

    /**
     * Starts looking. It may create the servers folder and its sealing key (as the spawner would on first use), so
     * the folder it lives in should already be as private as the hub keeps it.
     */
    public static LocalLookAhead begin(LocalSpawnerConfig config) {
        LocalLookAhead ahead = new LocalLookAhead();
        Thread thread = new Thread(() -> ahead.look(config), "local-spawner-look-ahead");
        thread.setDaemon(true);
        thread.start();
        return ahead;
    }

    private void look(LocalSpawnerConfig config) {
        // The key and its Mac (the JVM's first use of JCE, tens of ms) are made beside the survey, which needs neither.
        Thread sealing = new Thread(() -> {
            try {
                processes.complete(new ServerProcesses(config.serversDir()));
            } catch (Throwable e) {
                processes.completeExceptionally(e);
            }
        }, "local-spawner-key");
        sealing.setDaemon(true);
        sealing.start();
        try {
            LocalAdoption.Survey taken = LocalAdoption.Survey.take(ServerProcesses.tagOf(config.serversDir()));
            survey.complete(taken);
            vouched.complete(vouchedIn(processes(), taken));
        } catch (Throwable e) {
            survey.completeExceptionally(e);
            vouched.completeExceptionally(e);
        }
    }

    /** The servers whose marker vouches for them and whose processes hold their port's listening socket. */
    private static Map<ServerId, String> vouchedIn(ServerProcesses sealed, LocalAdoption.Survey survey) {
        Map<ServerId, String> found = new HashMap<>();
        ServerProcesses.servers(survey.processes()).forEach((marker, p) -> sealed.vouchedServer(p)
                .ifPresent(id -> p.port().filter(port -> survey.markerHolds(marker, port))
                        .ifPresent(port -> found.put(id, "http://127.0.0.1:" + port))));
        return Map.copyOf(found);
    }

    /**
     * The servers found running that vouch for themselves (see {@link ServerProcesses#vouchedServer}), by their URL:
     * safe to route before any record is read.
     */
    public CompletableFuture<Map<ServerId, String>> vouched() {
        return vouched;
    }

    CompletableFuture<LocalAdoption.Survey> survey() {
        return survey;
    }

    /** Waits for the sealing key; fails as making it failed. */
    ServerProcesses processes() {
        try {
            return processes.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
