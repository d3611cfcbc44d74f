package io.notebookhub.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TargetTest {
    @Test
    void theSameUrlGivesEqualTargetsWithEqualHashes() {
        Target a = Target.parse("http://127.0.0.1:8888/user/alice/");
        Target b = Target.parse("http://127.0.0.1:8888/user/alice");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.address()).isEqualTo(b.address());
    }

    @Test
    void targetsDifferingInSchemeHostPortOrPathDiffer() {
        Target base = Target.parse("http://127.0.0.1:8888/user/alice");
        assertThat(base).isNotEqualTo(Target.parse("https://127.0.0.1:8888/user/alice"))
                .isNotEqualTo(Target.parse("http://127.0.0.2:8888/user/alice"))
                .isNotEqualTo(Target.parse("http://127.0.0.1:8889/user/alice"))
                .isNotEqualTo(Target.parse("http://127.0.0.1:8888/user/bob"))
                .isNotEqualTo(null);
    }
}
