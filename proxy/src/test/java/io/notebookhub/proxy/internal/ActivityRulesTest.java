package io.notebookhub.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ActivityRulesTest {
    private static final String P = "/user/alice";

    private static boolean poll(boolean get, String rest) {
        return ActivityRules.isBackgroundPoll(get, P + rest, P.length());
    }

    @Test
    void treatsReadsOfPolledCollectionsAsBackground() {
        assertThat(poll(true, "/api/status")).isTrue();
        assertThat(poll(true, "/api/kernels")).isTrue();
        assertThat(poll(true, "/api/kernels/abc-123")).isTrue();
        assertThat(poll(true, "/api/kernelspecs")).isTrue();
        assertThat(poll(true, "/api/sessions")).isTrue();
        assertThat(poll(true, "/api/terminals")).isTrue();
        assertThat(poll(true, "/api/contents/work/a.ipynb")).isTrue();
        assertThat(poll(true, "/api/me")).isTrue();
        assertThat(poll(true, "/api/metrics/v1")).isTrue();
    }

    @Test
    void treatsWritesOtherPathsAndLookalikesAsAPersonWorking() {
        assertThat(poll(false, "/api/contents/work/a.ipynb")).isFalse();
        assertThat(poll(false, "/api/kernels")).isFalse();
        assertThat(poll(true, "/lab")).isFalse();
        assertThat(poll(true, "/api/statusbar")).isFalse();
        assertThat(poll(true, "/api/mean")).isFalse();
        assertThat(poll(true, "/api")).isFalse();
        assertThat(poll(true, "")).isFalse();
        assertThat(poll(true, "/files/api/status")).isFalse();
    }
}
