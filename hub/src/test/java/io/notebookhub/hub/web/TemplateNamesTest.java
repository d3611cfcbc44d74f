package io.notebookhub.hub.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which names the page engine answers: a template's, by itself or as {@code templates/NAME}; nothing else. */
class TemplateNamesTest {
    static Vertx vertx;
    static Templates templates;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        templates = Templates.create(vertx, List.of(), Map.of(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    static String render(String name) throws Exception {
        return templates.render(name, Map.of("message", "gone fishing")).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS).toString();
    }

    @Test
    void aBuiltInTemplateIsFoundByItsNameAndUnderTemplates() throws Exception {
        assertThat(render("error.html")).contains("gone fishing").contains("</html>");
        assertThat(render("templates/error.html")).isEqualTo(render("error.html"));
    }

    @Test
    void aResourceOfTheJarThatIsNotATemplateCannotBeRenderedAsOne() {
        // Vert.x Web's own pages sit on the same class path as the templates.
        for (String name : List.of("META-INF/vertx/web/vertx-web-error.html",
                "templates/../META-INF/vertx/web/vertx-web-error.html")) {
            assertThatThrownBy(() -> render(name)).as(name).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("Could not find template \"" + name + "\"");
        }
    }
}
