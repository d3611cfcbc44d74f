package io.notebookhub.culler;

import static io.notebookhub.culler.Servers.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading a notebook server's state: the real notebook 6.4 JSON, and what happens when the server refuses. */
class ServerStateReaderTest {
    private Vertx vertx;
    private FakeHub hub;
    private ServerStateReader reader;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        hub = new FakeHub(vertx);
        reader = ServerStateReader.http(vertx, Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() throws Exception {
        hub.close();
        await(vertx.close());
    }

    private URI base(String path) {
        return URI.create("http://127.0.0.1:" + hub.port() + path);
    }

    @Test
    void parsesTheKernelsAndTerminalsOfARealNotebook64Server() throws Exception {
        hub.serverState.put("/user/alice/", new String[] {
                RestApiCullTargetTest.resource("api-kernels.json"), RestApiCullTargetTest.resource("api-terminals.json")});

        ServerState state = await(reader.read(base("/user/alice/"), FakeHub.TOKEN));

        assertThat(state.kernels()).containsExactly(
                new ServerState.Kernel("3649e172-553a-4aa5-8333-da3c15e7e44f", "python3", "busy",
                        Instant.parse("2026-11-21T06:03:39.365068Z"), 1),
                new ServerState.Kernel("4c886656-a38d-4d0d-a7fd-84ab1bf595d5", "python3", "idle",
                        Instant.parse("2026-11-21T06:03:49.562868Z"), 0),
                new ServerState.Kernel("a6b08504-fcde-4dd8-8595-e806271726d8", "python3", "starting",
                        Instant.parse("2026-11-21T06:03:52.170887Z"), 0));
        assertThat(state.terminals()).containsExactly(
                new ServerState.Terminal("1", Instant.parse("2026-11-21T06:03:25.808873Z")));
        assertThat(state.anyKernelBusy()).isTrue();
        assertThat(state.latestActivity()).contains(Instant.parse("2026-11-21T06:03:52.170887Z"));
        assertThat(hub.stateTokens).containsOnly("token " + FakeHub.TOKEN);
    }

    @Test
    void aServerWithTerminalsDisabledHasNoTerminals() throws Exception {
        hub.serverState.put("/user/alice/gpu/", new String[] {"[]", null});

        ServerState state = await(reader.read(base("/user/alice/gpu"), FakeHub.TOKEN));

        assertThat(state.kernels()).isEmpty();
        assertThat(state.terminals()).isEmpty();
        assertThat(state.latestActivity()).isEmpty();
    }

    @Test
    void aRefusedTokenFailsTheRead() {
        hub.serverState.put("/user/alice/", new String[] {"[]", "[]"});

        assertThatThrownBy(() -> await(reader.read(base("/user/alice/"), "wrong")))
                .hasMessageContaining("api/kernels answered HTTP 403");
    }

    @Test
    void anAnswerThatIsNotAListFailsTheRead() {
        hub.serverState.put("/user/alice/", new String[] {"{\"message\": \"maintenance\"}", "[]"});

        assertThatThrownBy(() -> await(reader.read(base("/user/alice/"), FakeHub.TOKEN)))
                .hasMessageContaining("api/kernels did not answer a JSON list");
    }
}
