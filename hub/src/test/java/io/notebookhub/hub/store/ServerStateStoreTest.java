package io.notebookhub.hub.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.api.Models;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Spawner state keeps its JSON types through the store and the REST model, and old string state still reads. */
class ServerStateStoreTest {
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
    private final String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private H2HubStore store = H2HubStore.open(url);

    @AfterEach
    void close() {
        store.close();
    }

    private ServerRecord reopenedServer(String user) {
        store.close();
        store = H2HubStore.open(url);
        return store.server(user, "").orElseThrow();
    }

    @Test
    void aPidIsStoredAndReportedAsANumberAsJupyterHubReportsIt() {
        store.ensureUser("alice", false, NOW);
        store.saveServer(new ServerRecord("alice", "", ServerRecord.RUNNING, "small", Map.of(), "http://127.0.0.1:9",
                Map.of("pid", 1234L, "port", 40001, "prefix", "/user/alice/", "adopted", true), NOW, NOW, null));

        ServerRecord read = reopenedServer("alice");

        assertThat(read.spawnerState().get("pid")).isInstanceOf(Number.class);
        assertThat(((Number) read.spawnerState().get("pid")).longValue()).isEqualTo(1234L);
        assertThat(read.spawnerState()).containsEntry("prefix", "/user/alice/").containsEntry("adopted", true);
        JsonObject state = Models.server(read, true).getJsonObject("state");
        assertThat(state.encode()).contains("\"pid\":1234").contains("\"port\":40001");
    }

    @Test
    void theRouteChecksReadNamesEveryRunningServerWithItsAddressAndNoOther() {
        for (String user : java.util.List.of("dana", "eve", "frank")) {
            store.ensureUser(user, false, NOW);
        }
        store.saveServer(new ServerRecord("dana", "", ServerRecord.RUNNING, "small", Map.of(), "http://127.0.0.1:41001",
                Map.of("pid", 1L), NOW, NOW, null));
        store.saveServer(new ServerRecord("dana", "gpu", ServerRecord.RUNNING, "gpu", Map.of(), "http://10.0.0.7:8888",
                Map.of("pod", "jupyter-dana--gpu"), NOW, NOW, null));
        store.saveServer(new ServerRecord("eve", "", ServerRecord.STARTING, "small", Map.of(), null, Map.of(), NOW, NOW,
                null));
        store.saveServer(new ServerRecord("frank", "", ServerRecord.STOPPED, "small", Map.of(),
                "http://127.0.0.1:41003", Map.of(), NOW, NOW, "culled"));

        assertThat(store.runningServerAddresses()).containsExactlyInAnyOrder(
                new ServerAddress("dana", "", "http://127.0.0.1:41001"),
                new ServerAddress("dana", "gpu", "http://10.0.0.7:8888"));
    }

    /** A running server of {@code user} whose {@code column} then holds {@code text}, as another version wrote it. */
    private void serverWithColumn(String user, Map<String, Object> state, String column, String text) throws Exception {
        store.ensureUser(user, false, NOW);
        store.saveServer(new ServerRecord(user, "", ServerRecord.RUNNING, "small", Map.of(), "http://127.0.0.1:9",
                state, NOW, NOW, null));
        try (Connection c = DriverManager.getConnection(url, "hub", "");
             var update = c.prepareStatement("UPDATE servers SET " + column + " = ? WHERE user_name = ?")) {
            update.setString(1, text);
            update.setString(2, user);
            update.executeUpdate();
        }
    }

    @Test
    void stateThatAnEarlierVersionStoredAsStringsReadsBackUnchanged() throws Exception {
        serverWithColumn("bob", Map.of(), "spawner_state",
                "{\"pid\":\"1234\",\"port\":\"40002\",\"prefix\":\"/user/bob/\"}");

        ServerRecord read = reopenedServer("bob");

        assertThat(read.spawnerState()).containsEntry("pid", "1234").containsEntry("port", "40002");
    }

    @Test
    void nestedStateAndOptionsReadBackAsWrittenAndOtherScalarOptionsAsText() throws Exception {
        Map<String, Object> state = Map.of("pod", Map.of("name", "jupyter-carol", "ports", java.util.List.of(8888, 9999)),
                "ratio", 2.5, "none", "");
        serverWithColumn("carol", state, "user_options", "{\"profile\":\"small\",\"cpus\":2}");

        ServerRecord read = reopenedServer("carol");

        assertThat(read.spawnerState()).isEqualTo(state);
        assertThat(read.userOptions()).containsExactly(Map.entry("profile", "small"), Map.entry("cpus", "2"));
    }

    @Test
    void aColumnThatIsNotAJsonObjectIsRefusedNamingTheColumn() throws Exception {
        serverWithColumn("dave", Map.of(), "spawner_state", "[1, 2");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> reopenedServer("dave"))
                .hasMessageContaining("corrupt spawner state in store: [1, 2");
    }
}
