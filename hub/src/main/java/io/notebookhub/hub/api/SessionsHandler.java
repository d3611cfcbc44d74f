package io.notebookhub.hub.api;

import io.notebookhub.hub.auth.Identities;
import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.store.UserRecord;
import io.notebookhub.hub.users.Users;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DELETE /hub/api/users/<name>/sessions}: "log out everywhere". Ends every browser session of the user and
 * the notebook-server OAuth tokens minted through them, at once. An admin ({@code admin:users} for the user) may do
 * it for anyone; a user for themselves.
 */
public final class SessionsHandler {
    private static final Logger log = LoggerFactory.getLogger(SessionsHandler.class);

    private final Users users;
    private final Identities identities;

    public SessionsHandler(Users users, Identities identities) {
        this.users = users;
        this.identities = identities;
    }

    public void mount(Router router) {
        router.delete("/hub/api/users/:name/sessions").blockingHandler(this::endAll, false);
    }

    private void endAll(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        String name = ctx.pathParam("name");
        UserRecord u = users.find(name).orElse(null);
        boolean self = p.isUser() && p.name().equals(name);
        if (!self) {
            ApiSupport.needUser(p, "admin:users", name, u == null ? Set.of() : u.groups());
        }
        if (u == null) {
            throw HttpError.notFound("No such user: " + name);
        }
        int count = identities.sessions().of(name).size();
        identities.endSessions(name);
        log.info("{} ended every session of {} ({} session(s))", p.name(), name, count);
        ctx.response().setStatusCode(204).end();
    }
}
