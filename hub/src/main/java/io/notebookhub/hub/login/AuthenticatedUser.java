package io.notebookhub.hub.login;

import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The outcome of a successful login.
 *
 * @param admin true/false when the identity provider decides admin status at each login; null to leave it
 * @param groups the user's groups from the provider; null to leave them as they are
 * @param authState the provider's tokens, kept encrypted; null for none
 */
public record AuthenticatedUser(String name, Boolean admin, Set<String> groups, JsonObject authState) {}
