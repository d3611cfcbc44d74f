package io.notebookhub.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileAccessTest {
    @TempDir
    Path dir;
    ProfileDirectory profiles;

    @BeforeEach
    void load() throws IOException {
        Files.writeString(dir.resolve("p.yaml"), """
                - slug: open
                  default: true
                - slug: gpu
                  allowed_groups: [gpu-users, ml-team]
                - slug: private
                  allowed_users: [alice]
                - slug: either
                  allowed_users: [bob]
                  allowed_groups: [gpu-users]
                """);
        profiles = ProfileDirectory.open(dir);
    }

    private Profile profile(String slug) {
        return profiles.find(slug).orElseThrow();
    }

    @Test
    void letsEveryoneUseAProfileWithoutAllowLists() {
        assertThat(profile("open").allows("anyone", Set.of())).isTrue();
    }

    @Test
    void letsOnlyMembersOfAnAllowedGroupUseAGroupProfile() {
        assertThat(profile("gpu").allows("carol", Set.of("gpu-users"))).isTrue();
        assertThat(profile("gpu").allows("dave", Set.of("staff", "ml-team"))).isTrue();
        assertThat(profile("gpu").allows("erin", Set.of("staff"))).isFalse();
        assertThat(profile("gpu").allows("gpu-users", Set.of())).isFalse();
    }

    @Test
    void letsOnlyListedUsersUseAUserProfile() {
        assertThat(profile("private").allows("alice", Set.of())).isTrue();
        assertThat(profile("private").allows("bob", Set.of("alice"))).isFalse();
    }

    @Test
    void letsAUserInEitherListUseAProfileWithBoth() {
        assertThat(profile("either").allows("bob", Set.of())).isTrue();
        assertThat(profile("either").allows("carol", Set.of("gpu-users"))).isTrue();
        assertThat(profile("either").allows("alice", Set.of("staff"))).isFalse();
    }

    @Test
    void restrictsTheShippedGpuProfileToGpuUsers() {
        Profile gpu = ProfileDirectory.bundledDefaults().find("gpu").orElseThrow();

        assertThat(gpu.allowedGroups()).containsExactly("gpu-users");
        assertThat(gpu.allows("alice", Set.of("gpu-users"))).isTrue();
        assertThat(gpu.allows("bob", Set.of("students"))).isFalse();
    }
}
