package io.notebookhub.hub.api;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.store.HubStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /hub/api/db/backup}: an online backup of the embedded store, streamed to the caller as a zip (what
 * {@code notebook-hub db backup FILE} asks for). The running hub holds the store's file, so the copy is made inside
 * the hub with H2's {@code BACKUP}, consistent while writes go on. The backup holds every user, hashed token and the
 * hub's secrets, so it needs the scopes that reach all of them: {@code admin:users} and {@code tokens}, unfiltered.
 */
public final class StoreHandler {
    private static final Logger log = LoggerFactory.getLogger(StoreHandler.class);

    private final HubStore store;
    private final Path scratch;
    private final boolean embedded;

    /** @param scratch a folder of the hub's own (the data folder) where the zip is made before it is sent */
    public StoreHandler(HubStore store, Path scratch, boolean embedded) {
        this.store = store;
        this.scratch = scratch;
        this.embedded = embedded;
    }

    public void mount(Router router) {
        router.post("/hub/api/db/backup").blockingHandler(this::backup, false);
    }

    private void backup(RoutingContext ctx) {
        Principal p = RequestAuth.require(ctx);
        ApiSupport.need(p, "admin:users");
        ApiSupport.need(p, "tokens");
        if (!embedded) {
            throw HttpError.badRequest("the store is PostgreSQL: back it up with pg_dump");
        }
        Path zip = scratch.resolve(".backup-" + UUID.randomUUID() + ".zip");
        try {
            store.backupTo(zip);
            long size = Files.size(zip);
            log.info("store backup of {} bytes sent to {}", size, p.name());
            ctx.response().putHeader("Content-Type", "application/zip")
                    .sendFile(zip.toString()).onComplete(done -> delete(zip));
        } catch (IOException | RuntimeException e) {
            delete(zip);
            throw new HttpError(500, "the backup failed: " + e.getMessage());
        }
    }

    private static void delete(Path zip) {
        try {
            Files.deleteIfExists(zip);
        } catch (IOException e) {
            log.warn("could not delete the backup scratch file {}: {}", zip, e.toString());
        }
    }
}
