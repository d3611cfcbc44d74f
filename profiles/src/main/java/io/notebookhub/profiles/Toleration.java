package io.notebookhub.profiles;

/** A Kubernetes toleration; identity for merging is (key, effect). */
public record Toleration(String key, String operator, String value, String effect, Long tolerationSeconds) {

    /** The identity under which a later toleration replaces an earlier one when overrides combine. */
    public String identity() {
        return key + "|" + effect;
    }
}
