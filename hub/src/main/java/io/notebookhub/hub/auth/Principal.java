package io.notebookhub.hub.auth;

import java.util.Set;

/**
 * Who is making a request, and what they may do.
 *
 * @param kind {@code user} or {@code service}
 * @param tokenId the API token used, or null for a browser session
 * @param sessionId the browser session, or null for a token
 * @param viaCookie true when authenticated by the session cookie (state-changing requests then need XSRF)
 */
public record Principal(String kind, String name, boolean admin, Set<String> groups, ScopeSet scopes, Long tokenId,
                        String sessionId, boolean viaCookie) {

    public boolean isUser() {
        return "user".equals(kind);
    }
}
