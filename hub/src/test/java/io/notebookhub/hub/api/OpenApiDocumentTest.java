package io.notebookhub.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.notebookhub.hub.store.UserSort;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Our OpenAPI document must describe every API route the handlers mount, and nothing they do not. */
class OpenApiDocumentTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    private Set<String> mounted() {
        Router router = Router.router(vertx);
        new InfoHandler(null, null, "test", new io.notebookhub.hub.health.HubHealth()).mount(router);
        new UsersHandler(null, null, null, null).mount(router);
        new ServersHandler(null, null, null).mount(router);
        new TokensHandler(null, null, null).mount(router);
        new ActivityHandler(null, null, null).mount(router);
        new GroupsHandler(null, null).mount(router);
        new ProxyHandler(null, null).mount(router);
        new StoreHandler(null, null, true).mount(router);
        new ServicesHandler(null, null).mount(router);
        new ShutdownHandler(null).mount(router);
        new SharesHandler(null, null, "", null).mount(router);
        new ShareCodesHandler(null, null, "", null).mount(router);
        Set<String> out = new TreeSet<>();
        for (Route r : router.getRoutes()) {
            // Routes whose names may be empty are regular expressions, named by the path they document.
            String path = r.isRegexPath() ? r.getName() : r.getPath();
            // A regular expression left unnamed is an undocumented route (a 405 answer).
            if (path == null || path.contains("(") || r.methods() == null || !path.startsWith("/hub/api/")
                    || path.equals("/hub/api/")) {
                continue;
            }
            String templated = path.substring("/hub/api".length())
                    .replace(":server", "{server_name}").replace(":id", "{token_id}").replace(":name", "{name}");
            r.methods().forEach(m -> out.add(m.name().toLowerCase() + " " + templated));
        }
        return out;
    }

    private Set<String> documented() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(InfoHandler.OPENAPI);
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        Set<String> out = new TreeSet<>();
        doc.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(m -> {
            if (!m.equals("parameters") && !path.getKey().equals("/")) {
                out.add(m + " " + path.getKey());
            }
        }));
        return out;
    }

    @Test
    void documentsEveryMountedApiRouteAndNoOther() throws Exception {
        Set<String> mounted = mounted();
        assertThat(mounted).contains("get /users", "post /groups/{name}/users", "patch /proxy",
                "get /users/{name}/server/progress");
        assertThat(documented()).isEqualTo(mounted);
    }

    @Test
    void theUserListingDocumentsEverySortItAcceptsAndCreationOrderAsTheDefault() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(InfoHandler.OPENAPI);
        JsonNode sort = null;
        for (JsonNode param : doc.path("paths").path("/users").path("get").path("parameters")) {
            if (param.path("name").asText().equals("sort")) {
                sort = param;
            }
        }
        assertThat(sort).as("the sort parameter of GET /users").isNotNull();
        assertThat(sort.path("in").asText()).isEqualTo("query");
        assertThat(sort.path("schema").path("default").asText()).isEqualTo("id");
        Set<String> documented = new TreeSet<>();
        sort.path("schema").path("enum").forEach(v -> documented.add(v.asText()));
        Set<String> accepted = new TreeSet<>();
        for (UserSort.Key key : UserSort.Key.values()) {
            accepted.add(new UserSort(key, false).value());
            accepted.add(new UserSort(key, true).value());
        }
        assertThat(documented).isEqualTo(accepted);
        documented.forEach(v -> assertThat(UsersHandler.sort(v).value()).isEqualTo(v));
    }
}
