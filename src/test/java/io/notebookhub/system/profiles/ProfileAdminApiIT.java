package io.notebookhub.system.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.notebookhub.system.HubProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET/PUT/validate/DELETE of /hub/api/profiles and reloads of the folder, each test on a fresh hub and folder. */
class ProfileAdminApiIT {
    private static final String YAML = "application/yaml";

    @TempDir
    Path temp;
    ProfilesHub hub;

    @BeforeEach
    void startHub() throws Exception {
        hub = ProfilesHub.start(temp, "profiles-rules");
    }

    @AfterEach
    void stopHub() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    private static List<String> slugs(JsonNode listing) {
        List<String> out = new ArrayList<>();
        listing.path("profiles").forEach(p -> out.add(p.path("slug").asText()));
        return out;
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return ProfilesHub.JSON.readTree(r.body());
    }

    @Test
    void onlyAdminsReadOrEditTheProfilesAndTheyGetTheEffectiveSetWithItsFiles() throws Exception {
        String bob = hub.tokenOf("bob");
        assertThat(hub.call("GET", "/hub/api/profiles", null, bob).statusCode()).isEqualTo(403);
        HttpResponse<String> put = hub.call("PUT", "/hub/api/profiles/09-mine.yaml", "slug: mine\n", bob, YAML);
        assertThat(put.statusCode()).isEqualTo(403);
        assertThat(json(put).path("message").asText()).contains("admin:profiles");
        assertThat(Files.exists(hub.profilesDir.resolve("09-mine.yaml"))).isFalse();
        assertThat(hub.call("GET", "/hub/api/profiles", null, null).statusCode()).isEqualTo(403);

        String adminToken = hub.tokenOf("admin");
        HttpResponse<String> r = hub.call("GET", "/hub/api/profiles", null, adminToken);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode listing = json(r);
        assertThat(slugs(listing)).containsExactly("standard", "restricted", "single");
        assertThat(listing.path("error").isNull()).isTrue();
        assertThat(listing.path("writable").asBoolean()).isTrue();
        assertThat(listing.path("folder").asText()).isEqualTo(hub.profilesDir.toString());
        assertThat(listing.path("files").path("03-single.yaml").asText()).contains("max_servers: 1");
        JsonNode restricted = listing.path("profiles").get(1);
        assertThat(restricted.path("allowed_users").get(0).asText()).isEqualTo("alice");
        assertThat(restricted.path("resources").path("extra_resource_limits").path("nvidia.com/gpu").asText())
                .isEqualTo("1");
        JsonNode standard = listing.path("profiles").get(0);
        assertThat(standard.path("default").asBoolean()).isTrue();
        assertThat(standard.path("options").get(0).path("unlisted_choice").path("validation_regex").asText())
                .isEqualTo("[a-z]{3,12}");
        assertThat(listing.path("profiles").get(2).path("max_servers").asInt()).isEqualTo(1);
    }

    @Test
    void anInvalidPutIsRefusedWith400NamingFileLineAndColumnAndTheOldSetAndFileStay() throws Exception {
        String before = Files.readString(hub.profilesDir.resolve("03-single.yaml"));
        String broken = "slug: single\ndisplay_name: Single seat\nmax_servers: lots\n";

        HttpResponse<String> r = hub.call("PUT", "/hub/api/profiles/03-single.yaml", broken, ProfilesHub.ADMIN_TOKEN,
                YAML);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode body = json(r);
        assertThat(body.path("status").asInt()).isEqualTo(400);
        assertThat(body.path("message").asText()).contains("03-single.yaml:3:14: ").contains("max_servers");
        assertThat(body.path("errors").get(0).path("line").asInt()).isEqualTo(3);
        assertThat(body.path("errors").get(0).path("column").asInt()).isEqualTo(14);

        HttpResponse<String> syntax = hub.call("PUT", "/hub/api/profiles/03-single.yaml",
                "{\"yaml\": \"slug: single\\nmax_servers: [1\\n\"}", ProfilesHub.ADMIN_TOKEN, "application/json");
        assertThat(syntax.statusCode()).as(syntax.body()).isEqualTo(400);
        assertThat(json(syntax).path("message").asText()).containsPattern("03-single\\.yaml:\\d+:\\d+: YAML syntax");

        assertThat(Files.readString(hub.profilesDir.resolve("03-single.yaml"))).isEqualTo(before);
        JsonNode listing = hub.adminGet("/hub/api/profiles");
        assertThat(slugs(listing)).containsExactly("standard", "restricted", "single");
        assertThat(listing.path("profiles").get(2).path("max_servers").asInt()).isEqualTo(1);
        assertThat(listing.path("error_source").asText()).isEqualTo("edit");
        assertThat(listing.path("error").asText()).contains("03-single.yaml:").contains("YAML syntax");

        HttpResponse<String> oldSet = hub.spawn("bob", hub.tokenOf("bob"), "{\"profile\": \"single\", \"x\": \"y\"}");
        assertThat(oldSet.statusCode()).as("the old profile is still the one in force").isEqualTo(400);
        assertThat(json(oldSet).path("message").asText()).contains("has no option \"x\"");
    }

    @Test
    void validateChecksWithoutWritingAndAnswersTheErrorsWithTheirLines() throws Exception {
        HttpResponse<String> bad = hub.call("POST", "/hub/api/profiles/04-new.yaml/validate",
                "slug: new\ncpu: {guarantee: \"8\", limit: \"4\"}\n", ProfilesHub.ADMIN_TOKEN, YAML);
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(200);
        assertThat(json(bad).path("valid").asBoolean()).isFalse();
        assertThat(json(bad).path("errors").get(0).path("line").asInt()).isEqualTo(2);
        assertThat(json(bad).path("errors").get(0).path("message").asText()).contains("guarantee 8 is more than limit 4");

        HttpResponse<String> duplicate = hub.call("POST", "/hub/api/profiles/04-new.yaml/validate",
                "slug: single\n", ProfilesHub.ADMIN_TOKEN, YAML);
        assertThat(json(duplicate).path("message").asText()).contains("04-new.yaml:1:7: duplicate slug \"single\"");

        HttpResponse<String> good = hub.call("POST", "/hub/api/profiles/04-new.yaml/validate", "slug: new\n",
                ProfilesHub.ADMIN_TOKEN, YAML);
        assertThat(json(good).path("valid").asBoolean()).as(good.body()).isTrue();
        assertThat(Files.exists(hub.profilesDir.resolve("04-new.yaml"))).isFalse();
        assertThat(slugs(hub.adminGet("/hub/api/profiles"))).doesNotContain("new");
    }

    @Test
    void aValidPutIsWrittenAndTheNextSpawnUsesIt() throws Exception {
        String bob = hub.tokenOf("bob");
        HttpResponse<String> before = hub.spawn("bob", bob, "{\"profile\": \"extra\"}");
        assertThat(before.statusCode()).isEqualTo(400);

        String extra = "slug: extra\ndisplay_name: Extra\ndescription: Added by an admin\nenv: {MARKER: extra}\n";
        HttpResponse<String> put = hub.call("PUT", "/hub/api/profiles/04-extra.yaml", extra, ProfilesHub.ADMIN_TOKEN,
                YAML);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(json(put).path("message").asText()).isEqualTo("04-extra.yaml saved; the next spawn uses it");
        assertThat(slugs(json(put))).containsExactly("standard", "restricted", "single", "extra");
        assertThat(Files.readString(hub.profilesDir.resolve("04-extra.yaml"))).isEqualTo(extra);

        // Restricting the default to alice applies at once too: bob's next spawn of it is refused.
        String standard = Files.readString(hub.profilesDir.resolve("01-standard.yaml"));
        HttpResponse<String> restrict = hub.call("PUT", "/hub/api/profiles/01-standard.yaml",
                standard.replace("default: true\n", "default: true\nallowed_users: [alice]\n"),
                ProfilesHub.ADMIN_TOKEN, YAML);
        assertThat(restrict.statusCode()).as(restrict.body()).isEqualTo(200);
        HttpResponse<String> refused = hub.spawn("bob", bob, "{\"profile\": \"standard\"}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).path("message").asText()).isEqualTo("user bob may not use profile 'standard'");
        assertThat(hub.login("bob").get("/hub/spawn").body()).doesNotContain("profile-standard")
                .as("the first profile bob may use is preselected instead").contains("value=\"single\" checked");

        HttpResponse<String> spawn = hub.spawn("bob", bob, "{\"profile\": \"extra\"}");
        assertThat(spawn.statusCode()).as(spawn.body()).isIn(201, 202);
        assertThat(hub.awaitReady("bob").path("profile").asText()).isEqualTo("extra");
        assertThat(hub.serverEnvironment("bob")).containsEntry("MARKER", "extra");
        hub.stopServer("bob");
    }

    @Test
    void aBrokenFileInTheFolderIsRefusedCountedAndShownToAdminsWhileTheLastGoodSetStays() throws Exception {
        assertThat(hub.metric("notebookhub_profile_reload_refused_total")).isZero();
        hub.writeProfileFile("05-broken.yaml", "slug: Not A Slug\nmax_servers: 2\n");

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() ->
                !hub.adminGet("/hub/api/profiles").path("error").isNull());
        JsonNode listing = hub.adminGet("/hub/api/profiles");
        assertThat(listing.path("error_source").asText()).isEqualTo("folder");
        assertThat(listing.path("error").asText()).contains("05-broken.yaml:1:7: ");
        assertThat(slugs(listing)).containsExactly("standard", "restricted", "single");
        assertThat(hub.metric("notebookhub_profile_reload_refused_total")).isEqualTo(1.0);

        HttpResponse<String> page = hub.login("admin").get("/hub/admin/profiles");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"reload-error\"").contains("05-broken.yaml:1:7: ");

        // Every edit is checked with the whole folder, so the broken file must be fixed or removed first.
        HttpResponse<String> blocked = hub.call("PUT", "/hub/api/profiles/04-extra.yaml", "slug: extra\n",
                ProfilesHub.ADMIN_TOKEN, YAML);
        assertThat(blocked.statusCode()).isEqualTo(400);
        assertThat(json(blocked).path("message").asText()).contains("05-broken.yaml:1:7: ");

        HttpResponse<String> deleted = hub.call("DELETE", "/hub/api/profiles/05-broken.yaml", null,
                ProfilesHub.ADMIN_TOKEN);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(json(deleted).path("error").isNull()).isTrue();
        assertThat(Files.exists(hub.profilesDir.resolve("05-broken.yaml"))).isFalse();

        HttpResponse<String> onlyDefault = hub.call("DELETE", "/hub/api/profiles/01-standard.yaml", null,
                ProfilesHub.ADMIN_TOKEN);
        assertThat(onlyDefault.statusCode()).as("deleting the only default is refused").isEqualTo(400);
        assertThat(Files.exists(hub.profilesDir.resolve("01-standard.yaml"))).isTrue();
    }

    @Test
    void editsAreRefusedWith409AndAnExplanationWhenTheProfilesCannotBeWritten() throws Exception {
        hub.close();
        hub = ProfilesHub.start(temp.resolve("bundled"), null);
        HttpResponse<String> r = hub.call("PUT", "/hub/api/profiles/01-small.yaml", "slug: small\ndefault: true\n",
                ProfilesHub.ADMIN_TOKEN, YAML);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(json(r).path("message").asText()).contains("bundled default profiles").contains("hub.profiles_dir");
        JsonNode listing = hub.adminGet("/hub/api/profiles");
        assertThat(listing.path("writable").asBoolean()).isFalse();
        assertThat(slugs(listing)).containsExactly("small", "large", "gpu");
        assertThat(hub.adminGet("/hub/api/profiles").path("files").has("01-small.yaml")).isTrue();
    }

    @Test
    void globalProfileDefaultsFromTheConfigAreCheckedAtStartUp() throws Exception {
        hub.close();
        hub = null;
        Path config = temp.resolve("bad-defaults.yaml");
        Files.writeString(config, "spawner:\n  profile_defaults:\n    cpu: {guarantee: \"4\", limit: \"2\"}\n");
        HubProcess bad = new HubProcess(temp.resolve("data-bad"), List.of("--config", config.toString()));
        Process p = bad.launch();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the hub exits instead of starting").isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).isNotZero();
        assertThat(bad.logText()).contains("'spawner.profile_defaults'").contains("guarantee 4 is more than limit 2");

        hub = ProfilesHub.start(temp.resolve("good"), "profiles-rules",
                Map.of("NBHUB_SPAWNER_PROFILE_DEFAULTS", "{cpu: {limit: \"3\"}, env: {FROM_DEFAULTS: \"yes\"}}"));
        HttpResponse<String> spawn = hub.spawn("bob", hub.tokenOf("bob"), "{\"profile\": \"single\"}");
        assertThat(spawn.statusCode()).as(spawn.body()).isIn(201, 202);
        hub.awaitReady("bob");
        assertThat(hub.serverEnvironment("bob")).as("the global level reaches a profile that does not override it")
                .containsEntry("FROM_DEFAULTS", "yes").containsEntry("CPU_LIMIT", "3");
        hub.stopServer("bob");
    }
}
