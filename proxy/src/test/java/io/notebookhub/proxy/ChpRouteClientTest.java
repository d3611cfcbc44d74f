package io.notebookhub.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ChpRouteClientTest {

    @Test
    void quotesPathsLikeJupyterHub() {
        assertThat(ChpRouteClient.quote("/user/al ice@example.org/~x")).isEqualTo("/user/al%20ice@example.org/~x");
        assertThat(ChpRouteClient.quote("/user/é?#%")).isEqualTo("/user/%C3%A9%3F%23%25");
    }

    @Test
    void readsAChpRouteWithOrWithoutTheInteractiveStamp() {
        Route chp = ChpRouteClient.toRoute("/user/a", new JsonObject()
                .put("target", "http://h:1").put("user", "a").put("last_activity", "2026-01-02T03:04:05.678Z"));
        assertThat(chp.target()).isEqualTo("http://h:1");
        assertThat(chp.data()).containsEntry("user", "a").doesNotContainKeys("target", "last_activity");
        assertThat(chp.lastInteractiveActivity()).isEqualTo(chp.lastActivity());
        assertThat(chp.lastActivity().toString()).isEqualTo("2026-01-02T03:04:05.678Z");
    }
}
