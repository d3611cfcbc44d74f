package io.notebookhub.system.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.system.Browser;
import io.notebookhub.system.SingleUserServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sharing with Debian's JupyterHub 3.0 single-user server (classic notebook 6.4): it checks the same
 * {@code access:servers!server=alice/} scope in the hub's answer about bob's token (its {@code access_scopes},
 * from {@code JUPYTERHUB_OAUTH_ACCESS_SCOPES}), so a share lets bob in and its revocation shuts him out.
 */
class DebianServerSharingIT {
    @TempDir
    static Path temp;
    static SharingHub hub;

    @BeforeAll
    static void startHubWithAlicesServer() throws Exception {
        hub = new SharingHub(temp.resolve("data"), SingleUserServer.DEBIAN_JUPYTERHUB_3_NOTEBOOK_6).start();
    }

    @AfterAll
    static void stopHub() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void bobOpensAlicesServerOnlyWhileSheSharesItWithHim() throws Exception {
        String alice = hub.tokenOf("alice");
        Browser bob = hub.browser("bob");
        assertThat(bob.get("/user/alice/").statusCode()).isEqualTo(403);

        HttpResponse<String> shared = hub.call("POST", "/hub/api/shares/alice/", "{\"user\": \"bob\"}", alice);
        assertThat(shared.statusCode()).as(shared.body()).isEqualTo(200);
        HttpResponse<String> in = bob.get("/user/alice/");
        assertThat(in.statusCode()).as(in.uri() + "\n" + in.body()).isEqualTo(200);
        assertThat(in.uri().getPath()).startsWith("/user/alice/" + SingleUserServer.DEBIAN_JUPYTERHUB_3_NOTEBOOK_6.ui);
        assertThat(bob.get("/user/alice/api/contents").statusCode()).isEqualTo(200);

        assertThat(hub.call("DELETE", "/hub/api/shares/alice/", null, alice).statusCode()).isEqualTo(204);
        Thread.sleep(SharingHub.SERVER_CACHE_SECONDS * 1000L + 100);
        assertThat(bob.get("/user/alice/api/contents").statusCode()).isEqualTo(403);
    }
}
