package io.notebookhub.hub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.notebookhub.hub.http.HttpError;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ProxyHandlerTest {
    private static final URI OLD = URI.create("http://10.0.0.5:8001");

    @Test
    void aNewProxyAddressKeepsThePartsItDoesNotChange() {
        assertThat(ProxyHandler.newApiUrl(OLD, new JsonObject().put("ip", "10.0.0.9")))
                .isEqualTo(URI.create("http://10.0.0.9:8001"));
        assertThat(ProxyHandler.newApiUrl(OLD, new JsonObject().put("port", "9001").put("protocol", "https")))
                .isEqualTo(URI.create("https://10.0.0.5:9001"));
        assertThat(ProxyHandler.newApiUrl(OLD, new JsonObject().put("port", 9002)))
                .isEqualTo(URI.create("http://10.0.0.5:9002"));
        assertThat(ProxyHandler.newApiUrl(OLD, new JsonObject()))
                .isEqualTo(OLD);
    }

    @Test
    void aWholeApiUrlReplacesTheOldOne() {
        assertThat(ProxyHandler.newApiUrl(OLD, new JsonObject().put("api_url", "http://proxy-api:8001/")))
                .isEqualTo(URI.create("http://proxy-api:8001/"));
    }

    @Test
    void badAddressesAreRefusedWithAReason() {
        assertThatThrownBy(() -> ProxyHandler.newApiUrl(OLD, new JsonObject().put("port", "eighty")))
                .isInstanceOf(HttpError.class).hasMessageContaining("port");
        assertThatThrownBy(() -> ProxyHandler.newApiUrl(OLD, new JsonObject().put("port", 70000)))
                .isInstanceOf(HttpError.class).hasMessageContaining("65535");
        assertThatThrownBy(() -> ProxyHandler.newApiUrl(OLD, new JsonObject().put("protocol", "ftp")))
                .isInstanceOf(HttpError.class).hasMessageContaining("http or https");
        assertThatThrownBy(() -> ProxyHandler.newApiUrl(OLD, new JsonObject().put("api_url", "not a url")))
                .isInstanceOf(HttpError.class);
    }
}
