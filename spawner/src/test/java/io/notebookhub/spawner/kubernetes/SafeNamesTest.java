package io.notebookhub.spawner.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.spawner.ServerId;
import io.notebookhub.spawner.kubernetes.model.SafeNames;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SafeNamesTest {
    private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final List<String> USERS = List.of("alice", "Alice", "Alice.Smith@example.com",
            "alice.smith@example.com", "名前", "名前2", "a_b", "A-B", "a-b", "a--b", "a---b", "x", "-x-", "",
            "a".repeat(200), "a".repeat(201), "jupyter-alice", "user with spaces", "ALICE", "aliCe");

    @Test
    void keepsNamesThatAreAlreadySafe() {
        assertThat(SafeNames.safe("alice")).isEqualTo("alice");
        assertThat(SafeNames.safe("a-b")).isEqualTo("a-b");
        assertThat(SafeNames.podName(ServerId.defaultServer("alice"))).isEqualTo("jupyter-alice");
        assertThat(SafeNames.podName(new ServerId("alice", "gpu"))).isEqualTo("jupyter-alice--gpu");
        assertThat(SafeNames.pvcName("alice")).isEqualTo("claim-alice");
    }

    @Test
    void givesDistinctValidNamesToUsersThatLookAlike() {
        Set<String> names = new HashSet<>();
        for (String user : USERS) {
            String pod = SafeNames.podName(ServerId.defaultServer(user));
            assertThat(pod).matches(DNS_LABEL).hasSizeLessThanOrEqualTo(63);
            assertThat(SafeNames.pvcName(user)).matches(DNS_LABEL).hasSizeLessThanOrEqualTo(63);
            assertThat(names.add(pod)).as("pod name of %s is unique", user).isTrue();
        }
        assertThat(SafeNames.safe("A-B")).isNotEqualTo(SafeNames.safe("a-b")).startsWith("a-b---");
        assertThat(SafeNames.safe("a_b")).isNotEqualTo(SafeNames.safe("a-b"));
        assertThat(SafeNames.safe("Alice.Smith@example.com")).startsWith("alice-s").contains("---");
        assertThat(SafeNames.safe("名前")).matches("x---[0-9a-f]{16}");
    }

    @Test
    void isStableAcrossCalls() {
        for (String user : USERS) {
            assertThat(SafeNames.safe(user)).isEqualTo(SafeNames.safe(new String(user.toCharArray())));
        }
        // Pinned: a change here would orphan every existing pod and PVC after an upgrade.
        assertThat(SafeNames.safe("A-B")).isEqualTo("a-b---" + sha256Prefix("A-B", 8));
    }

    @Test
    void givesUsersWhoseShortHashesCollideTheirOwnClaims() {
        String a = "christopher.robinson35413@example.org";
        String b = "christopher.robinson131890@example.org";
        assertThat(SafeNames.pvcName(a)).isNotEqualTo(SafeNames.pvcName(b));
        assertThat(SafeNames.podName(ServerId.defaultServer(a))).isNotEqualTo(SafeNames.podName(ServerId.defaultServer(b)));
        // The names earlier releases gave them, which existing installs still hold claims under.
        assertThat(SafeNames.legacyPvcName(a)).isEqualTo("claim-christopher-rob---46b375c4")
                .isEqualTo(SafeNames.legacyPvcName(b));
        assertThat(SafeNames.legacyPvcName("alice")).isEqualTo(SafeNames.pvcName("alice"));
    }

    @Test
    void neverConfusesAUsersNamedServerWithAnotherUsersDefaultServer() {
        Set<String> names = new HashSet<>();
        for (String user : USERS) {
            for (String server : List.of("", "gpu", "-h", "Gpu", "a--b", "名前", "x".repeat(100))) {
                String pod = SafeNames.podName(new ServerId(user, server));
                assertThat(pod).matches(DNS_LABEL).hasSizeLessThanOrEqualTo(63);
                assertThat(names.add(pod)).as("pod name of %s/%s is unique", user, server).isTrue();
            }
        }
    }

    private static String sha256Prefix(String s, int bytes) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
