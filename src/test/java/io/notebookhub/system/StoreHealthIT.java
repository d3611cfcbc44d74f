package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.notebookhub.hub.store.PostgresCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /hub/health} tells the truth about the store: a hub whose database stops taking connections answers 503 with
 * the reason (so Kubernetes restarts it), and 200 again once the database is back.
 */
class StoreHealthIT {
    @TempDir
    Path temp;

    @Test
    void aHubWhoseDatabaseIsGoneAnswers503AndRecovers() throws Exception {
        PostgresCluster pg = PostgresCluster.shared();
        String url = pg.newDatabaseUrl();
        String database = url.substring(url.lastIndexOf('/') + 1);
        Properties props = new Properties();
        props.setProperty("user", PostgresCluster.SUPERUSER);
        props.setProperty("password", pg.password());
        try (HubProcess hub = new HubProcess(temp.resolve("data"), List.of());
             Connection admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres",
                     props);
             Statement st = admin.createStatement()) {
            hub.env.put("NBHUB_HUB_DB_URL", url);
            hub.env.put("NBHUB_HUB_DB_PASSWORD", pg.password());
            hub.start();
            assertThat(health(hub).statusCode()).isEqualTo(200);

            st.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> health(hub).statusCode() == 503);
            assertThat(health(hub).body()).contains("\"unhealthy\"").contains("the store cannot be written");

            st.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> health(hub).statusCode() == 200);
        }
    }

    private static HttpResponse<String> health(HubProcess hub) throws Exception {
        return hub.call("GET", "/hub/health", null, null);
    }
}
