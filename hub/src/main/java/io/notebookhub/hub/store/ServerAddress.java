package io.notebookhub.hub.store;

/** Where a running server answers: all that the proxy's route check needs of it. */
public record ServerAddress(String user, String name, String url) {
}
