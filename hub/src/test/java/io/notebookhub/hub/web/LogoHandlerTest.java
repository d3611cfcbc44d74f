package io.notebookhub.hub.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.notebookhub.config.ConfigException;
import io.notebookhub.hub.config.HubConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogoHandlerTest {
    private final Vertx vertx = Vertx.vertx();
    @TempDir
    Path temp;

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private HttpResponse<Buffer> get(LogoHandler logo) throws Exception {
        Router router = Router.router(vertx);
        logo.mount(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return WebClient.create(vertx).get(server.actualPort(), "127.0.0.1", "/hub/logo").send()
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void servesTheLogoInTheJarByDefault() throws Exception {
        HttpResponse<Buffer> r = get(LogoHandler.of(""));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).isEqualTo("image/svg+xml");
        assertThat(r.getHeader("Content-Security-Policy")).contains("default-src 'none'");
        assertThat(r.bodyAsString()).contains("<svg");
    }

    @Test
    void servesTheConfiguredFileWithItsType() throws Exception {
        Path png = temp.resolve("acme.png");
        byte[] bytes = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        Files.write(png, bytes);
        HubConfig config = HubConfig.load(null, Map.of("NBHUB_HUB_LOGO_FILE", png.toString()));
        HttpResponse<Buffer> r = get(LogoHandler.of(config.hub().logoFile()));
        assertThat(r.getHeader("Content-Type")).isEqualTo("image/png");
        assertThat(r.body().getBytes()).isEqualTo(bytes);
    }

    @Test
    void aMissingLogoFileStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> HubConfig.load(null, Map.of("NBHUB_HUB_LOGO_FILE", temp.resolve("none.png").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("hub.logo_file")
                .hasMessageContaining("readable image file");
    }
}
