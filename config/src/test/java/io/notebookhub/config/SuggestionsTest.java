package io.notebookhub.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private static final List<String> KEYS = List.of("display_name", "description", "idle_timeout", "image", "cpu");

    @Test
    void suggestsTheClosestKeyForTyposAndSwaps() {
        assertThat(Suggestions.closest("dispaly_name", KEYS)).contains("display_name");
        assertThat(Suggestions.closest("idle_timout", KEYS)).contains("idle_timeout");
        assertThat(Suggestions.closest("Image", KEYS)).contains("image");
    }

    @Test
    void suggestsNothingForAnUnrelatedWord() {
        assertThat(Suggestions.closest("colour", KEYS)).isEmpty();
    }
}
