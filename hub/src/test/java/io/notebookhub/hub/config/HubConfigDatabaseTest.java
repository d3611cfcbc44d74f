package io.notebookhub.hub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.notebookhub.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** hub.db.*: the embedded store by default; a PostgreSQL URL without its password, which comes from elsewhere. */
class HubConfigDatabaseTest {
    @Test
    void theEmbeddedStoreIsTheDefault() {
        assertThat(HubConfig.load(null, Map.of()).db().embedded()).isTrue();
    }

    @Test
    void aPostgresUrlAndItsPasswordComeFromTheEnvironmentAndThePasswordIsRedactedInTheLog() {
        HubConfig c = HubConfig.load(null, Map.of("NBHUB_HUB_DB_URL", "postgresql://hub@db:5432/hub",
                "NBHUB_HUB_DB_PASSWORD", "s3cret-password"));
        assertThat(c.db().embedded()).isFalse();
        assertThat(c.db().url()).isEqualTo("postgresql://hub@db:5432/hub");
        assertThat(c.db().password()).isEqualTo("s3cret-password");
        assertThat(c.effectiveRedacted().toString()).doesNotContain("s3cret-password").contains("hub.db.url");
    }

    @Test
    void aUrlCarryingItsPasswordIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> HubConfig.load(null, Map.of("NBHUB_HUB_DB_URL", "postgresql://hub:pw@db/hub")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'hub.db.url'")
                .hasMessageContaining("must not carry the password");
        assertThatThrownBy(() -> HubConfig.load(null, Map.of("NBHUB_HUB_DB_URL",
                "jdbc:postgresql://db/hub?user=hub&password=pw")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must not carry the password");
    }

    @Test
    void aUrlOfAnotherDatabaseIsRefused() {
        assertThatThrownBy(() -> HubConfig.load(null, Map.of("NBHUB_HUB_DB_URL", "mysql://hub@db/hub")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be a PostgreSQL URL");
    }
}
