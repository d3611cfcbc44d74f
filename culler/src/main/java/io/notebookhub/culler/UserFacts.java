package io.notebookhub.culler;

import java.time.Instant;
import java.util.Objects;

/**
 * A user with no active server, as seen by {@link CullTarget#usersWithoutServers()} (for {@code cull_users}).
 *
 * @param created when the user was created; the fallback when there was never any activity (may be null)
 * @param lastActivity the user's last activity, or null
 */
public record UserFacts(String name, boolean admin, Instant created, Instant lastActivity) {
    public UserFacts {
        Objects.requireNonNull(name, "name");
    }

    /** The latest known sign of this user, or null when the target knows neither time. */
    public Instant lastSeen() {
        if (lastActivity == null) {
            return created;
        }
        return created == null || lastActivity.isAfter(created) ? lastActivity : created;
    }
}
