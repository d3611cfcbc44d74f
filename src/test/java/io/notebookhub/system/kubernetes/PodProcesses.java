package io.notebookhub.system.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pod's first container as a local process, the "container runtime" of {@link ProcessKubelet}. The image is
 * not pulled: the container's command runs from this machine's PATH (a notebook image's
 * {@code jupyterhub-singleuser}), as the pod's {@code runAsUser} when it sets one, in its own process group, bound to
 * the pod IP. The home volume's host folder stands in for the mount: it is the working folder and {@code HOME}.
 */
final class PodProcesses implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PodProcesses.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path logs;
    private final Map<String, Process> running = new ConcurrentHashMap<>();

    interface ExitListener {
        void exited(int exitCode, boolean oomKilled);
    }

    PodProcesses(Path logs) throws IOException {
        this.logs = logs;
        Files.createDirectories(logs);
    }

    boolean has(String key) {
        return running.containsKey(key);
    }

    int count() {
        return (int) running.values().stream().filter(Process::isAlive).count();
    }

    /** A container without a readiness probe is ready as soon as it runs; with one, once the probe answers. */
    boolean readyAtStart(Pod pod) {
        return pod.getSpec().getContainers().get(0).getReadinessProbe() == null;
    }

    void start(String key, Pod pod, String ip, Function<String, Path> claimFolder, ExitListener onExit,
               Runnable onReady) throws IOException {
        Container container = pod.getSpec().getContainers().get(0);
        int port = container.getPorts() == null || container.getPorts().isEmpty() ? 8888
                : container.getPorts().get(0).getContainerPort();
        Path home = homeFolder(pod, container, claimFolder);
        Long uid = runAsUser(pod, container);
        if (uid != null) {
            chown(home, uid, fsGroup(pod));
        }

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", home.toString());
        env.put("USER", "jovyan");
        env.put("LANG", "C.UTF-8");
        env.put("HOSTNAME", pod.getMetadata().getName());
        for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
            env.put(var.getName(), var.getValue() != null ? var.getValue() : fieldValue(var, pod, ip));
        }
        // The container listens on all its interfaces; here its one interface is the pod IP.
        env.computeIfPresent("JUPYTERHUB_SERVICE_URL", (k, v) -> v.replace("0.0.0.0", ip));

        List<String> command = new ArrayList<>(List.of("setsid"));
        if (uid != null) {
            Long gid = fsGroup(pod);
            command.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + (gid == null ? uid : gid),
                    "--clear-groups", "--"));
        }
        command.addAll(container.getCommand() == null ? List.of() : container.getCommand());
        command.addAll(container.getArgs() == null ? List.of() : container.getArgs());
        command.add("--ip=" + ip);
        command.add("--port=" + port);
        if (uid == null || uid == 0) {
            command.add("--allow-root");
        }
        Path logFile = logs.resolve(key.replace('/', '_') + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        running.put(key, process);
        log.info("pod {} runs as pid {} on {}:{}", key, process.pid(), ip, port);
        process.onExit().thenAccept(p -> {
            if (running.remove(key, p)) {
                log.info("pod {}: its process exited with {}", key, p.exitValue());
                onExit.exited(p.exitValue(), p.exitValue() == 137);
            }
        });
        if (!readyAtStart(pod)) {
            String path = container.getReadinessProbe().getHttpGet() == null ? "/"
                    : container.getReadinessProbe().getHttpGet().getPath();
            Thread prober = new Thread(() -> probe(process, ip, port, path, onReady), "readiness-" + key);
            prober.setDaemon(true);
            prober.start();
        }
    }

    private static void probe(Process process, String ip, int port, String path, Runnable onReady) {
        while (process.isAlive()) {
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + path))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() >= 200 && r.statusCode() < 400) {
                    onReady.run();
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            sleep(200);
        }
    }

    /** True when something accepts connections on ip:port (used by tests that wait for a pod's server). */
    static boolean listening(String ip, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path homeFolder(Pod pod, Container container, Function<String, Path> claimFolder)
            throws IOException {
        for (VolumeMount mount : container.getVolumeMounts() == null ? List.<VolumeMount>of()
                : container.getVolumeMounts()) {
            for (Volume volume : pod.getSpec().getVolumes()) {
                if (volume.getName().equals(mount.getName()) && volume.getPersistentVolumeClaim() != null) {
                    Path folder = claimFolder.apply(pod.getMetadata().getNamespace() + "/"
                            + volume.getPersistentVolumeClaim().getClaimName());
                    if (folder != null) {
                        Path sub = mount.getSubPath() == null || mount.getSubPath().isEmpty() ? folder
                                : folder.resolve(mount.getSubPath());
                        Files.createDirectories(sub);
                        return sub;
                    }
                }
            }
        }
        Path scratch = Files.createTempDirectory("pod-" + pod.getMetadata().getName());
        return scratch;
    }

    private static Long runAsUser(Pod pod, Container container) {
        if (container.getSecurityContext() != null && container.getSecurityContext().getRunAsUser() != null) {
            return container.getSecurityContext().getRunAsUser();
        }
        return pod.getSpec().getSecurityContext() == null ? null : pod.getSpec().getSecurityContext().getRunAsUser();
    }

    private static Long fsGroup(Pod pod) {
        return pod.getSpec().getSecurityContext() == null ? null : pod.getSpec().getSecurityContext().getFsGroup();
    }

    private static void chown(Path folder, long uid, Long gid) throws IOException {
        run("chown", "-R", uid + ":" + (gid == null ? uid : gid), folder.toString());
        run("chmod", "0770", folder.toString());
    }

    private static String fieldValue(EnvVar var, Pod pod, String ip) {
        if (var.getValueFrom() == null || var.getValueFrom().getFieldRef() == null) {
            return "";
        }
        return switch (var.getValueFrom().getFieldRef().getFieldPath()) {
            case "status.podIP" -> ip;
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            default -> "";
        };
    }

    /**
     * Kills the pod's process group with SIGKILL as the kernel's OOM killer does; its exit (137) is reported as
     * OOMKilled. False when the pod runs no process here.
     */
    boolean oomKill(String key) {
        Process process = running.get(key);
        if (process == null || !process.isAlive()) {
            return false;
        }
        signal("KILL", process.pid());
        return true;
    }

    /** Stops the pod's process group: TERM, then KILL after the grace period, as the kubelet does. */
    void stop(String key, long graceSeconds) {
        Process process = running.remove(key);
        if (process == null || !process.isAlive()) {
            return;
        }
        long pgid = process.pid();
        signal("TERM", pgid);
        try {
            if (!process.waitFor(Math.max(1, graceSeconds), TimeUnit.SECONDS)) {
                signal("KILL", pgid);
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            signal("KILL", pgid);
        }
        log.info("pod {}: stopped its process {}", key, pgid);
    }

    private static void signal(String signal, long pgid) {
        try {
            run("kill", "-" + signal, "--", "-" + pgid);
        } catch (IOException e) {
            // Already gone.
        }
    }

    private static void run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (String key : List.copyOf(running.keySet())) {
            stop(key, 5);
        }
    }
}
