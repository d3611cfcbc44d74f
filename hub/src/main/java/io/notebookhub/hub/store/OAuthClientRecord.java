package io.notebookhub.hub.store;

/** A single-user server's OAuth client: its secret is the server's API token (stored hashed). */
public record OAuthClientRecord(String id, String user, String serverName, String redirectUri, String secretHash) {}
