package io.notebookhub.hub.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.notebookhub.hub.HubApp;
import io.notebookhub.hub.config.HubConfig;
import java.io.IOException;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pages as a browser receives them from a whole hub started in this JVM: escaping of what users choose (their
 * names), an admin's template folder and template variables, static files with caching headers, relative times.
 */
class PageTemplatesTest {
    /** A user name the hub accepts that would break out of text and attributes if it were not escaped. */
    static final String HOSTILE = "<b>mallory\"'&x=1";
    static final String HOSTILE_ESCAPED = "&lt;b&gt;mallory&quot;&#39;&amp;x=1";

    @TempDir
    static Path temp;
    static HubApp hub;
    static String base;
    /** What the system's temporary folder held before the hub started. */
    static Set<Path> tempBefore;

    @BeforeAll
    static void start() throws Exception {
        Path brand = Files.createDirectories(temp.resolve("brand"));
        // An admin's override replaces one block of the built-in layout and keeps the rest.
        Files.writeString(brand.resolve("page.html"), """
                {% extends "templates/page.html" %}
                {% block announcement %}<div id="site-banner">Maintenance on {{ maintenance_day }}</div>{{ parent() }}{% endblock %}
                """);
        Map<String, Object> yaml = Map.of(
                "hub", Map.of("ip", "127.0.0.1", "port", freePort(), "data_dir", temp.resolve("data").toString(),
                        "profiles_dir", Path.of("..", "profiles").toAbsolutePath().normalize().toString(),
                        "admin_users", List.of("admin"),
                        "template_paths", List.of(brand.toString()),
                        "template_vars", Map.of("announcement", "<a href=\"/status\">Status page</a>",
                                "maintenance_day", "Friday <script>")),
                "proxy", Map.of("port", freePort(), "api_port", freePort()),
                "culler", Map.of("enabled", false));
        Path file = temp.resolve("hub.yaml");
        Files.writeString(file, new ObjectMapper().writeValueAsString(yaml));
        tempBefore = systemTemp();
        hub = HubApp.start(HubConfig.load(file, Map.of())).toCompletionStage().toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + hub.hubPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    static Set<Path> systemTemp() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.collect(Collectors.toSet());
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A browser-like client logged in through the dev login form. */
    static HttpClient login(String user) throws Exception {
        HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        String form = get(client, "/hub/login").body();
        Matcher xsrf = Pattern.compile("name=\"_xsrf\" value=\"([^\"]+)\"").matcher(form);
        assertThat(xsrf.find()).as("the login form carries its XSRF token").isTrue();
        String body = "_xsrf=" + enc(xsrf.group(1)) + "&username=" + enc(user) + "&password=pw&next=";
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/hub/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.uri().getPath()).as("logged in and sent home").isEqualTo("/hub/home");
        return client;
    }

    static HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void aHostileUserNameIsEscapedOnTheHomePageAndTheAdminPage() throws Exception {
        String home = get(login(HOSTILE), "/hub/home").body();
        assertThat(home).contains("<span class=\"user\">" + HOSTILE_ESCAPED + "</span>")
                .doesNotContain("<b>mallory");

        String admin = get(login("admin"), "/hub/admin").body();
        assertThat(admin).contains("<td class=\"name\">" + HOSTILE_ESCAPED + "</td>")
                .contains("data-user=\"" + HOSTILE_ESCAPED + "\"")
                .doesNotContain("<b>mallory");
    }

    @Test
    void anAdminsTemplateFolderAndTemplateVarsShowOnEveryPage() throws Exception {
        HttpClient admin = login("admin");
        for (String path : List.of("/hub/home", "/hub/admin", "/hub/token", "/hub/admin/profiles")) {
            String page = get(admin, path).body();
            assertThat(page).as(path)
                    .contains("<div id=\"site-banner\">Maintenance on Friday &lt;script&gt;</div>")
                    .contains("<div class=\"announcement\" id=\"announcement\"><a href=\"/status\">Status page</a></div>");
        }
        String login = get(HttpClient.newHttpClient(), "/hub/login").body();
        assertThat(login).contains("id=\"site-banner\"").contains("id=\"username_input\"");
    }

    /** A copy would outlive a hub that is killed: every start would leave one behind. */
    @Test
    void theTemplatesAreReadWhereTheyAreWithoutACopyInTheTemporaryFolder() throws Exception {
        assertThat(get(login("admin"), "/hub/home").body()).contains("id=\"site-banner\"");
        Set<Path> added = systemTemp();
        added.removeAll(tempBefore);
        assertThat(added).noneMatch(folder -> Files.exists(folder.resolve("page.html"))
                || Files.exists(folder.resolve("templates").resolve("page.html")));
    }

    @Test
    void servingTheStaticFilesMakesNoFolderInTheTemporaryFolderThatAKilledHubWouldLeave() throws Exception {
        HttpResponse<String> js = get(HttpClient.newHttpClient(), "/hub/static/hub.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/javascript"));
        Set<Path> added = systemTemp();
        added.removeAll(tempBefore);
        // Vert.x's file resolver unpacks class-path files into vertx-cache-<uuid>, deleted only when Vert.x closes.
        assertThat(added).noneMatch(folder -> folder.getFileName().toString().startsWith("vertx-cache"));
    }

    @Test
    void lastActivityReadsAsTimeAgoWithTheExactTimeOnHover() throws Exception {
        HttpClient admin = login("admin");
        String page = get(admin, "/hub/admin?name_filter=admin").body();
        Matcher time = Pattern.compile("<td class=\"activity\"><time datetime=\"([^\"]+)\" title=\"([^\"]+)\">"
                + "([^<]+)</time>").matcher(page);
        assertThat(time.find()).as("the admin's own row shows its last activity").isTrue();
        assertThat(time.group(1)).isEqualTo(time.group(2)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(time.group(3)).isIn("just now", "1 minute ago", "2 minutes ago");
    }

    @Test
    void staticFilesAreServedWithCachingHeadersAndLinkedWithTheirContentHash() throws Exception {
        String home = get(login("admin"), "/hub/home").body();
        Matcher css = Pattern.compile("href=\"(/hub/static/hub\\.css\\?v=([0-9a-f]{8}))\"").matcher(home);
        assertThat(css.find()).isTrue();
        HttpResponse<String> r = get(HttpClient.newHttpClient(), css.group(1));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("public, immutable, max-age=86400");
        assertThat(r.body()).contains(".announcement");
        CRC32C crc = new CRC32C();
        crc.update(r.body().getBytes(StandardCharsets.UTF_8));
        assertThat(css.group(2)).as("the link names the served file's CRC-32C").isEqualTo(String.format("%08x", crc.getValue()));
        for (String absent : List.of("nothing.js", "../templates/page.html", "..%2Ftemplates%2Fpage.html",
                ".hidden.css", "logo.svg/x.css")) {
            assertThat(get(HttpClient.newHttpClient(), "/hub/static/" + absent).statusCode()).as(absent)
                    .isEqualTo(404);
        }
    }

    @Test
    void anErrorPageIsRenderedFromTheTemplatesWithItsMessageEscaped() throws Exception {
        HttpResponse<String> r = get(login("admin"), "/hub/spawn/" + enc("<i>nobody"));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("<title>404 Not Found - Notebook Hub</title>")
                .contains("No such user: &lt;i&gt;nobody").contains("id=\"site-banner\"");
    }
}
