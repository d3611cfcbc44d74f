package io.notebookhub.hub.store;

import java.time.Instant;
import java.util.List;

/**
 * One share: {@code scopes} (each filtered to {@code owner/serverName}) granted to a user or to a group.
 *
 * @param userName the user it is shared with, or null for a group share
 * @param groupName the group it is shared with, or null for a user share
 */
public record ShareRecord(long id, String owner, String serverName, String userName, String groupName,
                          List<String> scopes, Instant created) {

    public String kind() {
        return groupName != null ? "group" : "user";
    }
}
