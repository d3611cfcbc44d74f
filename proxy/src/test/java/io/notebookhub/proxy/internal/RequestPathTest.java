package io.notebookhub.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathTest {

    @Test
    void returnsAnOrdinaryPathAsTheSameString() {
        String p = "/user/alice/api/kernels/abc";
        assertThat(RequestPath.canonical(p)).isSameAs(p);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/user/alice/../bob/", "/user/alice/%2e%2e/bob/", "/user/alice/%2E%2E/bob", "/user/alice/.%2e/bob",
        "/user/alice/./x", "/user/alice/%2e/x", "/..", "relative", "/user/a\\..\\bob", "/user/%zz", "/user/%0a",
        "/user/a%",
    })
    void refusesTraversalAndMalformedPaths(String raw) {
        assertThat(RequestPath.canonical(raw)).isNull();
    }

    @Test
    void collapsesEmptySegmentsAndKeepsTheTrailingSlash() {
        assertThat(RequestPath.canonical("//user//alice//")).isEqualTo("/user/alice/");
        assertThat(RequestPath.canonical("/user/alice//lab")).isEqualTo("/user/alice/lab");
        assertThat(RequestPath.canonical("//")).isEqualTo("/");
    }

    @Test
    void keepsEncodedSlashesAndDotsInsideNamesAsData() {
        assertThat(RequestPath.canonical("/user/alice/files/a%2Fb")).isEqualTo("/user/alice/files/a%2Fb");
        assertThat(RequestPath.canonical("/user/alice/..%2Fbob")).isEqualTo("/user/alice/..%2Fbob");
        assertThat(RequestPath.canonical("/user/alice/.ipynb_checkpoints")).isEqualTo("/user/alice/.ipynb_checkpoints");
        assertThat(RequestPath.decodeSegment("a%2Fb%20c", 0, 9)).isEqualTo("a%2Fb c");
    }
}
