package io.notebookhub.system.sharing;

import static io.notebookhub.system.sharing.SharingHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.notebookhub.system.Browser;
import io.notebookhub.system.SingleUserServer;
import io.notebookhub.system.browser.HeadlessChrome;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Sharing with JupyterHub 5's single-user server (JupyterLab 4): bob opens alice's server only while she shares it
 * with him, and a share code lets carol in once she accepts it. Each user's browser goes through the hub's OAuth
 * provider, and the server decides with its own {@code access_scopes} check, unmodified.
 */
class ServerSharingIT {
    @TempDir
    static Path temp;
    static SharingHub hub;
    static String aliceToken;

    @BeforeAll
    static void startHubWithAlicesServer() throws Exception {
        hub = new SharingHub(temp.resolve("data"), SingleUserServer.JUPYTERHUB_5_JUPYTERLAB_4).start();
        aliceToken = hub.tokenOf("alice");
    }

    @AfterAll
    static void stopHub() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    /** Each test starts with alice's server shared with nobody, whatever the one before left. */
    @AfterEach
    void revokeEveryShare() throws Exception {
        assertThat(asAlice("DELETE", "/hub/api/shares/alice/", null).statusCode()).isEqualTo(204);
    }

    static HttpResponse<String> asAlice(String method, String path, String body) throws Exception {
        return hub.call(method, path, body, aliceToken);
    }

    /** Opens alice's server as a browser does: through the hub's OAuth provider on the first visit. */
    static HttpResponse<String> open(Browser b) throws Exception {
        return b.get("/user/alice/");
    }

    @Test
    void bobOpensAlicesServerOnlyWhileSheSharesItWithHim() throws Exception {
        Browser bob = hub.browser("bob");
        HttpResponse<String> before = open(bob);
        assertThat(before.statusCode()).as(before.uri() + "\n" + before.body()).isEqualTo(403);

        HttpResponse<String> shared = asAlice("POST", "/hub/api/shares/alice/", "{\"user\": \"bob\"}");
        assertThat(shared.statusCode()).as(shared.body()).isEqualTo(200);
        assertThat(json(shared).path("scopes").toString()).isEqualTo("[\"access:servers!server=alice/\"]");

        HttpResponse<String> in = open(bob);
        assertThat(in.statusCode()).as(in.uri() + "\n" + in.body()).isEqualTo(200);
        assertThat(in.uri().getPath()).startsWith("/user/alice/");
        assertThat(bob.get("/user/alice/api/contents").statusCode()).isEqualTo(200);
        JsonNode mine = json(bob.get("/hub/api/users/bob/shared"));
        assertThat(mine.path("items").get(0).path("server").path("user").path("name").asText()).isEqualTo("alice");

        HttpResponse<String> revoked = asAlice("PATCH", "/hub/api/shares/alice/", "{\"user\": \"bob\"}");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.body()).isEqualTo("{}");
        // The hub refuses at once; the same browser, with the server's cookie from before, is refused by the server
        // as soon as its cache of the hub's answer is older than its cache age.
        assertThat(bob.get("/hub/api/users/bob/shared/alice/").statusCode()).isEqualTo(404);
        Thread.sleep(SharingHub.SERVER_CACHE_SECONDS * 1000L + 100);
        assertThat(bob.get("/user/alice/api/contents").statusCode()).isEqualTo(403);
        assertThat(open(bob).statusCode()).isEqualTo(403);
    }

    @Test
    void aShareCodeLetsInWhoeverAcceptsItUntilItIsRevoked() throws Exception {
        HttpResponse<String> issued = asAlice("POST", "/hub/api/share-codes/alice/", "{\"expires_in\": 3600}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        JsonNode code = json(issued);
        assertThat(code.path("id").asText()).startsWith("sc_");
        assertThat(code.path("exchange_count").asInt()).isZero();
        String acceptUrl = code.path("accept_url").asText();
        assertThat(acceptUrl).isEqualTo("/hub/accept-share?code="
                + URLEncoder.encode(code.path("code").asText(), StandardCharsets.UTF_8));

        Browser carol = hub.browser("carol");
        assertThat(open(carol).statusCode()).isEqualTo(403);
        HttpResponse<String> page = carol.get(acceptUrl);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("alice's server").contains("access:servers!server=alice/");
        String form = "code=" + URLEncoder.encode(code.path("code").asText(), StandardCharsets.UTF_8);
        assertThat(carol.postForm("/hub/accept-share", form).statusCode())
                .as("accepting without the page's XSRF token").isEqualTo(403);
        HttpResponse<String> accepted = carol.postForm("/hub/accept-share",
                "_xsrf=" + Browser.formXsrf(page.body()) + "&" + form);
        // On to alice's server and through the OAuth provider (more redirects than Java's client follows at once).
        assertThat(accepted.uri().getPath()).as(accepted.body()).startsWith("/user/alice/");
        assertThat(open(carol).statusCode()).isEqualTo(200);
        assertThat(carol.get("/user/alice/api/contents").statusCode()).isEqualTo(200);
        JsonNode listed = json(asAlice("GET", "/hub/api/share-codes/alice/", null));
        assertThat(listed.path("items").get(0).path("exchange_count").asInt()).isEqualTo(1);

        HttpResponse<String> revoke = asAlice("DELETE", "/hub/api/share-codes/alice/?id=" + code.path("id").asText(),
                null);
        assertThat(revoke.statusCode()).isEqualTo(204);
        Browser bob = hub.browser("bob");
        assertThat(bob.get(acceptUrl).statusCode()).isEqualTo(404);

        assertThat(asAlice("DELETE", "/hub/api/users/carol/shared/alice/", null).statusCode())
                .as("alice cannot make carol leave: that needs users:shares on carol").isEqualTo(404);
        assertThat(hub.call("DELETE", "/hub/api/users/carol/shared/alice/", null, hub.tokenOf("carol"))
                .statusCode()).isEqualTo(204);
        Thread.sleep(SharingHub.SERVER_CACHE_SECONDS * 1000L + 100);
        assertThat(carol.get("/user/alice/api/contents").statusCode()).isEqualTo(403);
    }

    @Test
    void aShareCodeIsRefusedOnceExpired() throws Exception {
        HttpResponse<String> issued = asAlice("POST", "/hub/api/share-codes/alice/", "{\"expires_in\": 60}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        JsonNode code = json(issued);
        Browser bob = hub.browser("bob");
        HttpResponse<String> page = bob.get(code.path("accept_url").asText());
        assertThat(page.statusCode()).isEqualTo(200);
        // JupyterHub's shortest lifetime is a minute.
        Thread.sleep(61_000);
        assertThat(bob.get(code.path("accept_url").asText()).statusCode()).isEqualTo(404);
        HttpResponse<String> late = bob.postForm("/hub/accept-share", "_xsrf=" + Browser.formXsrf(page.body())
                + "&code=" + URLEncoder.encode(code.path("code").asText(), StandardCharsets.UTF_8));
        assertThat(late.statusCode()).as(late.body()).isEqualTo(400);
        assertThat(open(bob).statusCode()).isEqualTo(403);
        assertThat(json(asAlice("GET", "/hub/api/share-codes/alice/", null)).path("items").toString())
                .doesNotContain(code.path("id").asText());
    }

    @Test
    void shareEndpointsAnswerJupyterHubsShapesAndStatuses() throws Exception {
        assertThat(hub.admin("POST", "/hub/api/users/dave", null).statusCode()).isEqualTo(201);
        assertThat(hub.admin("POST", "/hub/api/groups/team", "{\"users\": [\"dave\"]}").statusCode()).isEqualTo(201);
        String dave = hub.tokenOf("dave");
        assertThat(asAlice("DELETE", "/hub/api/shares/alice/", null).statusCode()).isEqualTo(204);

        assertThat(hub.call("GET", "/hub/api/shares/alice", null, null).statusCode()).isEqualTo(403);
        assertThat(hub.call("POST", "/hub/api/shares/alice/", "{\"user\": \"dave\"}", dave).statusCode())
                .as("dave cannot share alice's server").isEqualTo(404);
        assertThat(asAlice("POST", "/hub/api/shares/alice/", "{\"user\": \"nobody\"}").body())
                .contains("No such user: nobody");
        assertThat(asAlice("POST", "/hub/api/shares/alice/", "{\"user\": \"nobody\"}").statusCode()).isEqualTo(400);
        assertThat(asAlice("POST", "/hub/api/shares/alice/", "{\"group\": \"nogroup\"}").statusCode()).isEqualTo(400);
        assertThat(asAlice("POST", "/hub/api/shares/alice/", "{}").statusCode()).isEqualTo(400);
        assertThat(asAlice("POST", "/hub/api/shares/alice/", "{\"user\": \"dave\", \"group\": \"team\"}")
                .statusCode()).isEqualTo(400);
        assertThat(asAlice("POST", "/hub/api/shares/alice/", "{\"user\": \"dave\", \"expires_in\": 60}")
                .statusCode()).isEqualTo(400);
        assertThat(asAlice("POST", "/hub/api/shares/alice/",
                "{\"user\": \"dave\", \"scopes\": [\"access:servers!server=bob/\"]}").statusCode()).isEqualTo(400);
        assertThat(asAlice("POST", "/hub/api/shares/alice/", "{\"user\": \"dave\", \"scopes\": [\"no:such\"]}")
                .statusCode()).isEqualTo(400);
        assertThat(asAlice("POST", "/hub/api/shares/alice/", "{\"user\": \"dave\", \"scopes\": [\"admin:users\"]}")
                .statusCode()).as("alice cannot grant what she does not hold").isEqualTo(403);
        assertThat(asAlice("POST", "/hub/api/shares/alice/elsewhere", "{\"user\": \"dave\"}").statusCode())
                .isEqualTo(404);
        assertThat(asAlice("POST", "/hub/api/shares/alice", "{\"user\": \"dave\"}").statusCode()).isEqualTo(405);

        HttpResponse<String> granted = asAlice("POST", "/hub/api/shares/alice/", "{\"group\": \"team\"}");
        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
        JsonNode share = json(granted);
        assertThat(share.path("kind").asText()).isEqualTo("group");
        assertThat(share.path("group").path("name").asText()).isEqualTo("team");
        assertThat(share.path("user").isNull()).isTrue();
        assertThat(share.path("server").path("name").asText()).isEmpty();
        assertThat(share.path("server").path("url").asText()).isEqualTo("/user/alice/");
        assertThat(share.path("server").path("ready").asBoolean()).isTrue();
        assertThat(share.path("created_at").asText()).endsWith("Z");
        assertThat(asAlice("POST", "/hub/api/shares/alice/", "{\"user\": \"dave\"}").statusCode()).isEqualTo(200);

        JsonNode all = json(asAlice("GET", "/hub/api/shares/alice?limit=1", null));
        assertThat(all.path("items")).hasSize(1);
        assertThat(all.path("_pagination").path("total").asInt()).isEqualTo(2);
        assertThat(all.path("_pagination").path("next").path("offset").asInt()).isEqualTo(1);
        assertThat(json(asAlice("GET", "/hub/api/shares/alice/", null)).path("items")).hasSize(2);
        JsonNode daves = json(hub.call("GET", "/hub/api/users/dave/shared", null, dave));
        assertThat(daves.path("_pagination").path("total").asInt()).as("directly and through team").isEqualTo(2);
        assertThat(hub.call("GET", "/hub/api/users/alice/shared", null, dave).statusCode()).isEqualTo(404);
        assertThat(hub.call("GET", "/hub/api/users/dave/shared/alice/", null, dave).statusCode()).isEqualTo(200);
        assertThat(hub.call("GET", "/hub/api/users/dave/shared/alice/x", null, dave).statusCode()).isEqualTo(404);
        JsonNode whoami = json(hub.call("GET", "/hub/api/user", null, dave));
        assertThat(whoami.path("scopes").toString()).contains("access:servers!server=alice/");
        assertThat(json(hub.admin("GET", "/hub/api/groups/team/shared", null)).path("items")).hasSize(1);
        assertThat(hub.admin("GET", "/hub/api/groups/team/shared/alice/", null).statusCode()).isEqualTo(200);
        assertThat(hub.admin("GET", "/hub/api/groups/nogroup/shared", null).statusCode()).isEqualTo(404);

        assertThat(hub.call("DELETE", "/hub/api/users/dave/shared/alice/", null, dave).statusCode()).isEqualTo(204);
        assertThat(hub.call("GET", "/hub/api/users/dave/shared/alice/", null, dave).statusCode()).isEqualTo(404);
        assertThat(json(hub.call("GET", "/hub/api/user", null, dave)).path("scopes").toString())
                .as("still shared through team").contains("access:servers!server=alice/");
        assertThat(hub.admin("DELETE", "/hub/api/groups/team/users", "{\"users\": [\"dave\"]}").statusCode())
                .isEqualTo(200);
        assertThat(json(hub.call("GET", "/hub/api/user", null, dave)).path("scopes").toString())
                .as("out of team, at once").doesNotContain("server=alice/");
        assertThat(asAlice("DELETE", "/hub/api/shares/alice/", null).statusCode()).isEqualTo(204);
        assertThat(json(asAlice("GET", "/hub/api/shares/alice/", null)).path("items")).isEmpty();

        HttpResponse<String> badCode = asAlice("POST", "/hub/api/share-codes/alice/", "{\"expires_in\": 10}");
        assertThat(badCode.statusCode()).isEqualTo(400);
        assertThat(badCode.body()).contains("expires_in");
        JsonNode code = json(asAlice("POST", "/hub/api/share-codes/alice/", "{}"));
        assertThat(java.time.Duration.between(java.time.Instant.parse(code.path("created_at").asText()),
                java.time.Instant.parse(code.path("expires_at").asText())).toSeconds()).isEqualTo(86_400);
        assertThat(code.path("full_accept_url").isNull()).isTrue();
        assertThat(asAlice("DELETE", "/hub/api/share-codes/alice/?id=sc_999999", null).statusCode()).isEqualTo(404);
        assertThat(asAlice("DELETE", "/hub/api/share-codes/alice/?code=nope", null).statusCode()).isEqualTo(404);
        assertThat(asAlice("DELETE", "/hub/api/share-codes/alice/?code=" + code.path("code").asText(), null)
                .statusCode()).isEqualTo(204);
        assertThat(json(asAlice("GET", "/hub/api/share-codes/alice", null)).path("items").toString())
                .doesNotContain(code.path("id").asText());
        assertThat(hub.call("POST", "/hub/api/share-codes/alice/", "{}", dave).statusCode()).isEqualTo(404);
    }

    @Test
    void aliceMakesAShareLinkOnHerHomePageAndRevokesBobThere() throws Exception {
        try (HeadlessChrome alice = new HeadlessChrome(); HeadlessChrome bob = new HeadlessChrome()) {
            alice.devLogin(hub.baseUrl(), "alice");
            alice.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));
            alice.driver.findElement(By.cssSelector("tr.sharing[data-server=''] button.share-link")).click();
            By link = By.cssSelector("tr.sharing[data-server=''] code.share-url");
            alice.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textMatches(link,
                    java.util.regex.Pattern.compile("/hub/accept-share\\?code=")));
            String acceptUrl = alice.driver.findElement(link).getText();
            assertThat(acceptUrl).startsWith(hub.baseUrl() + "/hub/accept-share?code=");

            bob.devLogin(hub.baseUrl(), "bob");
            bob.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/hub/home"));
            bob.get(acceptUrl);
            bob.await(By.id("accept"), Duration.ofSeconds(30)).click();
            bob.waitUpTo(Duration.ofSeconds(60)).until(ExpectedConditions.urlContains("/user/alice/lab"));
            assertThat(statusInBrowser(bob, "/user/alice/api/contents")).isEqualTo(200);

            alice.get(hub.baseUrl() + "/hub/home");
            alice.await(By.cssSelector("li.share[data-name='bob'] button.unshare"), Duration.ofSeconds(30)).click();
            alice.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("tr.sharing[data-server=''] .nobody")));
            Thread.sleep(SharingHub.SERVER_CACHE_SECONDS * 1000L + 100);
            assertThat(statusInBrowser(bob, "/user/alice/api/contents")).isEqualTo(403);

            alice.driver.findElement(By.cssSelector("tr.sharing[data-server=''] button.revoke-links")).click();
            alice.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textToBe(link, "Share links revoked"));
            assertThat(json(asAlice("GET", "/hub/api/share-codes/alice/", null)).path("items")).isEmpty();
        }
    }

    /**
     * What a request from the page the browser shows gets, with that browser's cookies and, as JupyterLab sends it,
     * the server's XSRF token (jupyterhub-singleuser wants it on script requests authenticated by its cookie).
     */
    private static long statusInBrowser(HeadlessChrome chrome, String path) {
        // A fresh URL each time: the browser's cache must not answer for the server.
        return (Long) chrome.driver.executeScript("const x=new XMLHttpRequest();"
                + "x.open('GET',arguments[0]+'?nocache='+Date.now(),false);"
                + "const m=document.cookie.match(/(?:^|; )_xsrf=([^;]*)/);if(m)x.setRequestHeader('X-XSRFToken',m[1]);"
                + "x.send();return x.status;", path);
    }
}
