package io.notebookhub.hub.paths;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UrlPathsTest {

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil", "javascript:alert(1)",
            "http:/evil", "/ok\r\nSet-Cookie: x=1", "", "relative/path"})
    void nextNeverLeavesTheHub(String next) {
        assertThat(UrlPaths.safeNext(next, "/hub/home")).isEqualTo("/hub/home");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/hub/spawn", "/user/alice/tree?x=1", "/hub/api/oauth2/authorize?client_id=a&state=b"})
    void nextKeepsPathsOnThisHub(String next) {
        assertThat(UrlPaths.safeNext(next, "/hub/home")).isEqualTo(next);
    }

    @Test
    void serverUrlsEscapeNamesLikeJupyterHub() {
        assertThat(UrlPaths.serverPrefix("alice", "")).isEqualTo("/user/alice/");
        assertThat(UrlPaths.serverPrefix("ann lee", "gpu")).isEqualTo("/user/ann%20lee/gpu/");
        assertThat(UrlPaths.serverPrefix("a@b.c", "")).isEqualTo("/user/a@b.c/");
        assertThat(UrlPaths.routeSpec("名前", "")).isEqualTo("/user/%E5%90%8D%E5%89%8D");
        assertThat(UrlPaths.clientId("alice", "gpu")).isEqualTo("jupyterhub-user-alice-gpu");
    }
}
