package io.notebookhub.proxy;

import static io.notebookhub.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouteResyncTest {
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        await(vertx.close());
    }

    private ProxyServer startProxy(int port, int apiPort) {
        return await(ProxyServer.start(vertx, ProxyOptions.builder().ip("127.0.0.1").port(port).apiPort(apiPort)
                .authToken("t").eventLoops(1).build()));
    }

    @Test
    void aClientSeesAnEmptyTableAfterAProxyRestartAndCanReAddItsRoutes() {
        TestBackend alice = TestBackend.start(vertx, "alice");
        ProxyServer first = startProxy(0, 0);
        int port = first.publicPort();
        int apiPort = first.apiPort();
        ChpRouteClient client = new ChpRouteClient(vertx, "http://127.0.0.1:" + apiPort, "t",
                8, Duration.ofMillis(50), Duration.ofMillis(500));

        await(client.add("/user/alice/", alice.url(), Map.of("user", "alice", "jupyterhub", true)));
        Map<String, Route> before = await(client.list());
        assertThat(before).containsOnlyKeys("/user/alice");
        assertThat(before.get("/user/alice").data()).containsEntry("user", "alice");

        await(first.close());
        // Retried until the restarted proxy answers, as JupyterHub's client does.
        Future<Map<String, Route>> listedDuringRestart = client.list();
        ProxyServer second = startProxy(port, apiPort);
        assertThat(await(listedDuringRestart)).isEmpty();

        await(client.add("/user/alice", alice.url(), Map.of("user", "alice")));
        assertThat(await(client.list())).containsOnlyKeys("/user/alice");
        assertThat(await(second.routes().list()).get("/user/alice").target()).isEqualTo(alice.url());
        await(client.remove("/user/alice"));
        await(client.remove("/user/alice"));
        assertThat(await(client.list())).isEmpty();
        await(second.close());
    }

    @Test
    void aClientGivesUpAfterItsBoundedRetries() {
        ChpRouteClient client = new ChpRouteClient(vertx, "http://127.0.0.1:9", "t", 3, Duration.ofMillis(10),
                Duration.ofMillis(20));
        Future<Map<String, Route>> listed = client.list();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(listed::isComplete);
        assertThat(listed.failed()).isTrue();
    }

    @Test
    void aClientWithAWrongTokenFailsWithoutRetrying() {
        ProxyServer p = startProxy(0, 0);
        ChpRouteClient client = new ChpRouteClient(vertx, "http://127.0.0.1:" + p.apiPort(), "wrong");
        Future<Void> added = client.add("/user/x", "http://127.0.0.1:1", Map.of());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(added::isComplete);
        assertThat(added.cause()).hasMessageContaining("403");
        await(p.close());
    }
}
