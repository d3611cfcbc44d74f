package io.notebookhub.hub.login.oidc;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.notebookhub.hub.HubApp;
import io.notebookhub.hub.config.HubConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The whole hub (store, proxy, routes) started in this JVM on free loopback ports, with an {@code auth} section. */
final class InProcessHub {
    private InProcessHub() {
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A root hub with a real identity provider refuses to run servers as root: tests running as root (CI) run them as
     * the unprivileged account .ci/install-tools creates, unless a test says otherwise.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> unprivilegedWhenRoot(Object spawnerSection) {
        Map<String, Object> spawner = new LinkedHashMap<>(spawnerSection == null ? Map.of()
                : (Map<String, Object>) spawnerSection);
        if ("root".equals(System.getProperty("user.name"))) {
            Map<String, Object> local = new LinkedHashMap<>((Map<String, Object>) spawner.getOrDefault("local", Map.of()));
            local.putIfAbsent("run_as_user", "nbhub-user");
            spawner.put("local", local);
        }
        return spawner;
    }

    /** The callback URL is set to the proxy's address, where tests send the browser. */
    static HubApp start(Path temp, String name, Map<String, Object> auth, String adminToken) throws Exception {
        return start(temp, name, auth, adminToken, Map.of());
    }

    /** {@code sections}: further top-level sections, e.g. {@code spawner}. */
    static HubApp start(Path temp, String name, Map<String, Object> auth, String adminToken,
                        Map<String, Object> sections) throws Exception {
        int proxyPort = freePort();
        Map<String, Object> section = new LinkedHashMap<>(auth);
        section.putIfAbsent("callback_url", "http://127.0.0.1:" + proxyPort + "/hub/oauth_callback");
        Map<String, Object> yaml = new LinkedHashMap<>(sections);
        yaml.put("spawner", unprivilegedWhenRoot(sections.get("spawner")));
        if ("root".equals(System.getProperty("user.name"))) {
            // The unprivileged account must reach its folder under the data folder.
            Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        yaml.putAll(Map.of(
                "hub", Map.of("ip", "127.0.0.1", "port", freePort(), "data_dir", temp.resolve(name).toString(),
                        "profiles_dir", Path.of("..", "profiles").toAbsolutePath().normalize().toString()),
                "proxy", Map.of("port", proxyPort, "api_port", freePort()),
                "auth", section,
                "culler", Map.of("enabled", false)));
        Path file = temp.resolve(name + ".yaml");
        Files.writeString(file, new ObjectMapper().writeValueAsString(yaml));
        HubConfig config = HubConfig.load(file, Map.of("NBHUB_ADMIN_TOKEN", adminToken,
                "NBHUB_AUTH_CLIENT_SECRET", "client-secret-from-the-environment"));
        return HubApp.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
