package io.notebookhub.hub.users;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "..", ".", "with space", "tab\tname", "a\\b", "50%", "q?x", "frag#x", ""})
    void namesThatCouldChangeAPathAreRefusedWithAReason(String name) {
        assertThat(UserNames.problem(name)).isPresent();
    }

    @Test
    void overlongNamesAreRefused() {
        assertThat(UserNames.problem("x".repeat(300))).get().asString().contains("at most 255");
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "alice.smith@example.com", "名前", "a_b", "a-b", "a..b"})
    void ordinaryNamesAreAccepted(String name) {
        assertThat(UserNames.problem(name)).isEmpty();
    }

    @Test
    void normalisationLowersCaseAndTrims() {
        assertThat(UserNames.normalize("  Alice ")).isEqualTo("alice");
    }
}
