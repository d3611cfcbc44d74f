package io.notebookhub.hub.store;

import java.time.Instant;
import java.util.Set;

/** A user as stored. {@code lastActivity} is null until the user does something. */
public record UserRecord(String name, boolean admin, Instant created, Instant lastActivity, Set<String> groups) {}
