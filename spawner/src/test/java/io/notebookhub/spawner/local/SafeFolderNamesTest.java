package io.notebookhub.spawner.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SafeFolderNamesTest {

    @Test
    void namesMapToDistinctFoldersThatStayInsideTheServersFolder() {
        Path base = Path.of("/data/users");
        List<String> names = List.of("alice", "Alice", "a_b", "a-b", "..", ".hidden", "a/b", "a%2Fb", "名前",
                "alice.smith@example.com", "_2e");
        Set<String> folders = new HashSet<>();
        for (String name : names) {
            String folder = SafeFolderNames.of(name);
            assertThat(folder).doesNotContain("/").doesNotStartWith(".");
            assertThat(base.resolve(folder).normalize().getParent()).isEqualTo(base);
            folders.add(folder);
        }
        assertThat(folders).hasSameSizeAs(names);
    }

    @Test
    void theSameNameAlwaysGetsTheSameFolder() {
        assertThat(SafeFolderNames.of("名前")).isEqualTo(SafeFolderNames.of("名前"));
    }
}
