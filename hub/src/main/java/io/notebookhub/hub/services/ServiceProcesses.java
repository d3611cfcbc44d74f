package io.notebookhub.hub.services;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Runs the managed services (those with a {@code command}) for as long as the hub runs. Launching and stopping
 * processes blocks, so it happens on this class's own thread, never on an event loop.
 */
public final class ServiceProcesses implements AutoCloseable {
    private final Map<String, ManagedService> running = new LinkedHashMap<>();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "managed-services");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param folder where pid files and logs go ({@code <data_dir>/services}), made readable by the hub alone
     */
    public ServiceProcesses(Services services, String hubApiUrl, String publicUrl, Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        for (Services.Service s : services.all()) {
            if (s.spec().managed()) {
                Map<String, String> env = ServiceEnvironment.of(s.spec(), s.token(), hubApiUrl, publicUrl, System.getenv());
                running.put(s.spec().name(), new ManagedService(s.spec(), env, folder, executor));
            }
        }
    }

    /** Starts every managed service; returns at once, each starting on the services' thread. */
    public void start() {
        running.values().forEach(m -> executor.execute(m::start));
    }

    /** The pid of the service's process, or 0 when it is external or not running. */
    public long pid(String name) {
        ManagedService m = running.get(name);
        return m == null ? 0 : m.pid();
    }

    /** Stops every managed service (JupyterHub stops them with the hub, whatever happens to users' servers). */
    @Override
    public void close() {
        executor.shutdownNow();
        running.values().forEach(ManagedService::stop);
    }
}
