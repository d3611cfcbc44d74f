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

    // equals and hashCode by hand: a record's own are built from method handles the first time they run, some
    // thirty generated classes that a restart, which keys every running server by its ServerId, would wait for.
    @Override
    public boolean equals(Object o) {
        return o instanceof ServerId other && user.equals(other.user) && serverName.equals(other.serverName);
    }

    @Override
    public int hashCode() {
        return 31 * user.hashCode() + serverName.hashCode();
    }

    @Override
    public String toString() {
        return isDefault() ? user : user + "/" + serverName;
    }
}
