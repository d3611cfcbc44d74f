package io.notebookhub.profiles;

import java.util.List;
import java.util.Set;

/**
 * One profile as an admin wrote it: what the spawn page shows, who may use it, and its overrides.
 *
 * @param source where it was defined ({@code file:line:column}), for messages
 */
public record Profile(
        String slug,
        String displayName,
        String description,
        boolean isDefault,
        Set<String> allowedUsers,
        Set<String> allowedGroups,
        Integer maxServers,
        ProfileOverrides overrides,
        List<ProfileOption> options,
        String source) {

    /** Empty allow-lists mean everyone may use the profile; otherwise user or any group must be listed. */
    public boolean allows(String user, Set<String> groups) {
        if (allowedUsers.isEmpty() && allowedGroups.isEmpty()) {
            return true;
        }
        return allowedUsers.contains(user) || groups.stream().anyMatch(allowedGroups::contains);
    }
}
