package io.notebookhub.spawner.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerAccountsTest {

    @Test
    void accountNamesAreSafeAndTwoHubNamesNeverShareOne() {
        assertThat(ServerAccounts.accountName("nb-{username}", "alice")).isEqualTo("nb-alice");
        assertThat(ServerAccounts.accountName("nb-{username}", "a.b")).isEqualTo("nb-a-2eb");
        assertThat(ServerAccounts.accountName("nb-{username}", "a-b")).isEqualTo("nb-a-2db");
        assertThat(ServerAccounts.accountName("nb-{username}", "Ann")).isNotEqualTo(
                ServerAccounts.accountName("nb-{username}", "ann"));
        assertThat(ServerAccounts.accountName("nb-{username}", "../root")).matches("[a-z0-9-]+");
    }

    @Test
    void longNamesAreCutTo32CharactersWithAHashThatKeepsThemApart() {
        String a = ServerAccounts.accountName("nb-{username}", "x".repeat(40) + "1");
        String b = ServerAccounts.accountName("nb-{username}", "x".repeat(40) + "2");
        assertThat(a).hasSize(32).isNotEqualTo(b);
        assertThat(b).hasSize(32);
    }

    @Test
    void theServersEnvironmentIsBuiltFromNothingWithASafePathAndTheCommandsFolder() {
        Map<String, String> env = ServerEnvironmentPolicy.base(List.of("/opt/venv/bin/jupyterhub-singleuser"),
                Path.of("/data/users/ann"), "nb-ann");
        assertThat(env).containsOnlyKeys("PATH", "HOME", "USER", "LOGNAME", "LANG", "SHELL");
        assertThat(env.get("PATH")).startsWith("/opt/venv/bin:").endsWith(":/bin");
        assertThat(env).containsEntry("HOME", "/data/users/ann").containsEntry("USER", "nb-ann");
        assertThat(ServerEnvironmentPolicy.base(List.of("jupyterhub-singleuser"), Path.of("/h"), null).get("PATH"))
                .isEqualTo(ServerEnvironmentPolicy.SAFE_PATH);
    }
}
