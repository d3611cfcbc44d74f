package io.notebookhub.spawner;

import java.util.Objects;

/**
 * Which server: a user's default server has the empty name, named servers have their own.
 * Both parts are the exact names the hub uses; spawners derive safe names from them.
 */
public record ServerId(String user, String serverName) {
    public ServerId {
        Objects.requireNonNull(user, "user");
        serverName = serverName == null ? "" : serverName;
    }

    public static ServerId defaultServer(String user) {
        return new ServerId(user, "");
    }

    public boolean isDefault() {
        return serverName.isEmpty();
    }

    @Override
    public String toString() {
        return isDefault() ? user : user + "/" + serverName;
    }
}
