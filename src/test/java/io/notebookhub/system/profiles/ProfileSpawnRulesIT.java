package io.notebookhub.system.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may start which profile, with which option values, and how many at once, against the built jar with real
 * notebook servers. The folder is {@code profiles-rules}: {@code standard} (default, options flavour and size),
 * {@code restricted} (only alice, a GPU) and {@code single} ({@code max_servers: 1}).
 */
class ProfileSpawnRulesIT {
    @TempDir
    static Path temp;
    static ProfilesHub hub;
    static String aliceToken;
    static String bobToken;

    @BeforeAll
    static void startHub() throws Exception {
        hub = ProfilesHub.start(temp, "profiles-rules");
        aliceToken = hub.tokenOf("alice");
        bobToken = hub.tokenOf("bob");
    }

    @AfterAll
    static void stopHub() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    private static String message(HttpResponse<String> r) throws Exception {
        return ProfilesHub.JSON.readTree(r.body()).path("message").asText();
    }

    @Test
    void theSpawnPageShowsEachProfilesDescriptionResourcesGpuBadgeAndOptionsAsFormControls() throws Exception {
        String page = hub.login("alice").get("/hub/spawn").body();

        assertThat(page).contains("id=\"profile-standard\"").contains("Half a CPU for everyday notebooks")
                .contains("CPU 500m guaranteed, up to 1").contains("memory 512Mi guaranteed, up to 1Gi");
        assertThat(page).as("the default profile is preselected")
                .containsPattern("value=\"standard\" checked");
        assertThat(page).contains("<select name=\"option.standard.flavour\">")
                .contains("<option value=\"plain\" selected>Plain</option>")
                .contains("<option value=\"spicy\">Spicy</option>")
                .contains("Other flavour")
                .contains("name=\"option.standard.flavour.unlisted\"")
                .contains("<select name=\"option.standard.size\">");
        String restricted = page.substring(page.indexOf("id=\"profile-restricted\""));
        restricted = restricted.substring(0, restricted.indexOf("</div>"));
        assertThat(restricted).contains("Restricted GPU").contains("<span class=\"badge\">GPU</span>")
                .contains("Only for alice").contains("nvidia.com/gpu: 1");
        String standard = page.substring(page.indexOf("id=\"profile-standard\""));
        standard = standard.substring(0, standard.indexOf("</div>"));
        assertThat(standard).as("a CPU profile has no GPU badge").doesNotContain("class=\"badge\"");
    }

    @Test
    void aUserNotAllowedAProfileNeitherSeesItOnTheSpawnPageNorCanStartItThroughTheApiOrTheForm() throws Exception {
        ProfilesHub.Session bob = hub.login("bob");
        String page = bob.get("/hub/spawn").body();
        assertThat(page).contains("id=\"profile-standard\"").contains("id=\"profile-single\"")
                .doesNotContain("profile-restricted").doesNotContain("Restricted GPU");

        HttpResponse<String> api = hub.spawn("bob", bobToken, "{\"profile\": \"restricted\"}");
        assertThat(api.statusCode()).as(api.body()).isEqualTo(400);
        assertThat(message(api)).isEqualTo("user bob may not use profile 'restricted'");

        HttpResponse<String> form = bob.submitSpawnForm(Map.of("profile", "restricted"));
        assertThat(form.statusCode()).isEqualTo(400);
        assertThat(form.body()).contains("id=\"spawn-error\"").contains("user bob may not use profile &#39;restricted&#39;")
                .doesNotContain("profile-restricted");

        assertThat(hub.adminGet("/hub/api/users/bob").path("servers").has(""))
                .as("a refused spawn leaves no server record behind").isFalse();
    }

    @Test
    void optionValuesOutsideTheListOrThePatternAreRefusedWith400AndAMessageNeverReplaced() throws Exception {
        HttpResponse<String> badPattern = hub.spawn("alice", aliceToken,
                "{\"profile\": \"standard\", \"flavour\": \"Hot-and-Sour\"}");
        assertThat(badPattern.statusCode()).as(badPattern.body()).isEqualTo(400);
        assertThat(message(badPattern)).contains("Hot-and-Sour").contains("A flavour is 3 to 12 lower-case letters.");

        HttpResponse<String> unlisted = hub.spawn("alice", aliceToken, "{\"profile\": \"standard\", \"size\": \"xl\"}");
        assertThat(unlisted.statusCode()).as(unlisted.body()).isEqualTo(400);
        assertThat(message(unlisted)).contains("\"xl\"").contains("size");

        HttpResponse<String> unknownOption = hub.spawn("alice", aliceToken,
                "{\"profile\": \"standard\", \"colour\": \"red\"}");
        assertThat(unknownOption.statusCode()).as(unknownOption.body()).isEqualTo(400);
        assertThat(message(unknownOption)).contains("colour");

        HttpResponse<String> unknownProfile = hub.spawn("alice", aliceToken, "{\"profile\": \"huge\"}");
        assertThat(unknownProfile.statusCode()).as(unknownProfile.body()).isEqualTo(400);
        assertThat(message(unknownProfile)).isEqualTo("no profile 'huge'");

        HttpResponse<String> form = hub.login("alice").submitSpawnForm(Map.of("profile", "standard",
                "option.standard.flavour", "__unlisted__", "option.standard.flavour.unlisted", "x"));
        assertThat(form.statusCode()).isEqualTo(400);
        assertThat(form.body()).contains("A flavour is 3 to 12 lower-case letters.")
                .as("the refused form keeps what was typed").contains("value=\"x\"");
        assertThat(hub.adminGet("/hub/api/users/alice").path("servers").has("")).isFalse();
    }

    @Test
    void aListedChoiceAndAFreeTextValueMatchingThePatternAreAcceptedAndRecordedAsSent() throws Exception {
        HttpResponse<String> listed = hub.spawn("alice", aliceToken,
                "{\"profile\": \"standard\", \"flavour\": \"spicy\", \"size\": \"m\"}");
        assertThat(listed.statusCode()).as(listed.body()).isIn(201, 202);
        JsonNode server = hub.awaitReady("alice");
        assertThat(server.path("profile").asText()).isEqualTo("standard");
        assertThat(server.path("user_options").path("flavour").asText()).isEqualTo("spicy");
        assertThat(server.path("user_options").path("size").asText()).isEqualTo("m");
        assertThat(hub.serverEnvironment("alice")).as("both choices' overrides reach the server")
                .containsEntry("FLAVOUR", "spicy").containsEntry("CPU_LIMIT", "2")
                .containsEntry("CPU_GUARANTEE", "500m").containsEntry("PROFILE_MARKER", "standard");
        hub.stopServer("alice");

        HttpResponse<String> free = hub.spawn("alice", aliceToken, "{\"profile\": \"standard\", \"flavour\": \"mint\"}");
        assertThat(free.statusCode()).as(free.body()).isIn(201, 202);
        server = hub.awaitReady("alice");
        assertThat(server.path("user_options").path("flavour").asText()).isEqualTo("mint");
        assertThat(hub.serverEnvironment("alice")).as("the free text is substituted, the other option defaults")
                .containsEntry("FLAVOUR", "mint").containsEntry("CPU_LIMIT", "1");
        hub.stopServer("alice");
    }

    @Test
    void whenAProfilesMaxServersAreRunningAnotherSpawnIsRefusedWithAMessageSayingSo() throws Exception {
        String carolToken = hub.tokenOf("carol");
        HttpResponse<String> first = hub.spawn("carol", carolToken, "{\"profile\": \"single\"}");
        assertThat(first.statusCode()).as(first.body()).isIn(201, 202);
        hub.awaitReady("carol");

        HttpResponse<String> second = hub.spawn("bob", bobToken, "{\"profile\": \"single\"}");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
        assertThat(message(second)).isEqualTo("profile 'Single seat' is at capacity: all 1 of its servers are in "
                + "use; try again later or choose another profile");

        HttpResponse<String> form = hub.login("bob").submitSpawnForm(Map.of("profile", "single"));
        assertThat(form.statusCode()).isEqualTo(409);
        assertThat(form.body()).contains("is at capacity");

        hub.stopServer("carol");
        HttpResponse<String> afterStop = hub.spawn("bob", bobToken, "{\"profile\": \"single\"}");
        assertThat(afterStop.statusCode()).as("the seat is free again: " + afterStop.body()).isIn(201, 202);
        hub.awaitReady("bob");
        hub.stopServer("bob");
    }

    @Test
    void twoServersAskedForTheLastSeatAtTheSameMomentGetOneServerAndOneRefusal() throws Exception {
        hub.tokenOf("dave");
        hub.tokenOf("erin");
        // As automation would (one admin token for both); the race is between the check and the record.
        for (int round = 1; round <= 5; round++) {
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<HttpResponse<String>> dave = CompletableFuture.supplyAsync(() -> spawnAfter(go, "dave"));
            CompletableFuture<HttpResponse<String>> erin = CompletableFuture.supplyAsync(() -> spawnAfter(go, "erin"));
            go.countDown();
            List<Integer> statuses = Stream.of(dave.get(), erin.get()).map(HttpResponse::statusCode).sorted().toList();
            for (String user : List.of("dave", "erin")) {
                if (hub.adminGet("/hub/api/users/" + user).path("servers").has("")) {
                    hub.awaitReady(user);
                    hub.stopServer(user);
                }
            }
            assertThat(statuses.get(1)).as("round %d: one of %s is refused as over capacity", round, statuses)
                    .isEqualTo(409);
            assertThat(statuses.get(0)).as("round %d: one of %s is accepted", round, statuses).isIn(201, 202);
        }
    }

    private static HttpResponse<String> spawnAfter(CountDownLatch go, String user) {
        try {
            go.await();
            return hub.spawn(user, ProfilesHub.ADMIN_TOKEN, "{\"profile\": \"single\"}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
