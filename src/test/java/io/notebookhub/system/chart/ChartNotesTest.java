package io.notebookhub.system.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NOTES.txt tells the operator how to reach the hub for each way of exposing it. helm renders NOTES only
 * on install, which needs a cluster; so the test renders the real NOTES.txt as the body of a YAML
 * template in a copy of the chart.
 */
class ChartNotesTest {

    @TempDir
    static Path copy;

    @BeforeAll
    static void copyTheChartWithNotesAsATemplate() throws IOException {
        Path chart = Helm.chart();
        try (Stream<Path> files = Files.walk(chart)) {
            for (Path source : files.toList()) {
                Path target = copy.resolve(chart.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        Path notes = copy.resolve("templates/NOTES.txt");
        String indented = Files.readAllLines(notes).stream().map(line -> "  " + line)
                .collect(Collectors.joining("\n"));
        Files.writeString(copy.resolve("templates/notes-under-test.yaml"), "notes: |\n" + indented + "\n");
        Files.delete(notes);
    }

    private static String notes(String... sets) {
        List<String> args = new ArrayList<>(List.of("template", ChartRendering.RELEASE, copy.toString(),
                "--namespace", ChartRendering.NAMESPACE, "--show-only", "templates/notes-under-test.yaml"));
        for (String set : sets) {
            args.addAll(List.of("--set", set));
        }
        Helm.Result result = Helm.run(args);
        assertThat(result.succeeded()).as(result.describe()).isTrue();
        try {
            return ChartRendering.MAPPER.readTree(result.stdout()).get("notes").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void pointsAtTheLoadBalancerAddressByDefaultAndWarnsAboutTheDevLogin() {
        assertThat(notes())
                .contains("kubectl --namespace notebooks rollout status deployment/nbhub-hub")
                .contains("kubectl --namespace notebooks get service nbhub-proxy-public")
                .contains("status.loadBalancer.ingress")
                .contains("WARNING: auth.type is \"dev\"");
    }

    @Test
    void givesTheNodePortCommandForNodePort() {
        assertThat(notes("proxy.service.type=NodePort")).contains("{.spec.ports[0].nodePort}")
                .contains("http://<any node address>:$NODE_PORT/");
    }

    @Test
    void givesAPortForwardForClusterIp() {
        assertThat(notes("proxy.service.type=ClusterIP"))
                .contains("kubectl --namespace notebooks port-forward service/nbhub-proxy-public 8080:80")
                .contains("http://127.0.0.1:8080/");
    }

    @Test
    void givesTheIngressUrlWithHttpsWhenTlsIsSet() {
        String notes = notes("ingress.enabled=true", "ingress.hosts={hub.example.org}",
                "ingress.tls[0].secretName=hub-tls", "ingress.tls[0].hosts={hub.example.org}",
                "auth.type=github", "auth.clientId=abc", "auth.clientSecret.existingSecret=gh");

        assertThat(notes).contains("https://hub.example.org/").doesNotContain("WARNING: auth.type");
    }

    @Test
    void warnsThatEphemeralHubStateIsLostOnRestart() {
        assertThat(notes("hub.db.type=embedded-ephemeral")).contains("hub.db.type is \"embedded-ephemeral\"");
    }
}
