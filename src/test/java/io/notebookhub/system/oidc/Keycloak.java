package io.notebookhub.system.oidc;

import static org.awaitility.Awaitility.await;

import io.notebookhub.system.HubProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Keycloak (the distribution Maven unpacked under target/) in dev mode with an in-memory database, bound to
 * 127.0.0.1 on free ports, importing the test realm with the hub's URL and client secret filled in.
 */
final class Keycloak implements AutoCloseable {
    static final String REALM = "nbhub";
    static final String CLIENT_ID = "notebook-hub";

    final int port;
    private final Path home;
    private final Path log;
    private Process process;

    Keycloak(Path log) throws IOException {
        this.home = Path.of(System.getProperty("keycloak.home", "target/keycloak/keycloak-26.0.7"));
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("no Keycloak at " + home + " (the build unpacks it in pre-integration-test)");
        }
        this.port = HubProcess.freePort();
        this.log = log;
    }

    String issuer() {
        return "http://127.0.0.1:" + port + "/realms/" + REALM;
    }

    Keycloak start(String hubUrl, String clientSecret) throws IOException {
        String realm;
        try (InputStream in = Keycloak.class.getResourceAsStream("/oidc/keycloak-realm.json")) {
            realm = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("${HUB_URL}", hubUrl).replace("${CLIENT_SECRET}", clientSecret);
        }
        Path imports = Files.createDirectories(home.resolve("data/import"));
        Files.writeString(imports.resolve(REALM + "-realm.json"), realm);
        ProcessBuilder pb = new ProcessBuilder(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port,
                "--http-management-port=" + HubProcess.freePort(), "--db=dev-mem", "--import-realm"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_OPTS_APPEND", "-Djava.net.preferIPv4Stack=true");
        process = pb.start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited:\n" + Files.readString(log));
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return this;
    }

    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        // kc.sh runs Keycloak's JVM as a child: stop the children, then the script.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
    }
}
