package io.notebookhub.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pod options (KubeSpawner's names) and storage types: read, merged by level, and refused with a position. */
class PodOptionsProfileTest {
    private static final String PROFILES = """
            - slug: team
              default: true
              storage:
                type: static
                static: {pvc_name: home-nfs, sub_path: "home/{username}"}
              init_containers:
                - {name: fetch, image: busybox:1.36, command: [sh, -c, "echo hi"]}
              extra_containers:
                - {name: sidecar, image: busybox:1.36, args: [sleep, infinity]}
              lifecycle_hooks:
                postStart: {exec: {command: [sh, -c, "echo started"]}}
              extra_pod_config:
                dnsPolicy: ClusterFirst
                securityContext: {supplementalGroups: [200]}
              extra_container_config:
                workingDir: /home/jovyan/work
                securityContext: {readOnlyRootFilesystem: false}
              image_pull_secrets: [team-registry]
              priority_class_name: notebooks-high
              scheduler_name: team-scheduler
              pod_affinity:
                preferred:
                  - weight: 50
                    podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {team: a}}}
              pod_anti_affinity:
                required:
                  - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {hog: "true"}}}
              fs_group: 2000
              fs_group_change_policy: OnRootMismatch
              service_account: team-reader
              automount_service_account_token: true
              options:
                size:
                  choices:
                    small: {default: true}
                    scratch:
                      overrides:
                        storage: {type: none}
                        extra_containers:
                          - {name: sidecar, image: busybox:1.37}
                        extra_pod_config:
                          securityContext: {sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "0"}]}
                          dnsPolicy: null
                        image_pull_secrets: [scratch-registry]
                        scheduler_name: default-scheduler
            """;

    @TempDir
    Path dir;

    private ProfileDirectory open(String yaml) throws IOException {
        Files.writeString(dir.resolve("profiles.yaml"), yaml);
        return ProfileDirectory.open(dir);
    }

    @Test
    void readsEveryPodOptionOfAProfile() throws IOException {
        ResolvedProfile r = open(PROFILES).resolve(ProfileOverrides.NONE, "team", Map.of());

        PodOptions p = r.pod();
        assertThat(r.storage().type()).isEqualTo("static");
        assertThat(r.storage().staticPvcName()).isEqualTo("home-nfs");
        assertThat(r.storage().staticSubPath()).isEqualTo("home/{username}");
        assertThat(p.initContainers()).containsExactly(Map.of("name", "fetch", "image", "busybox:1.36",
                "command", List.of("sh", "-c", "echo hi")));
        assertThat(p.extraContainers()).extracting(c -> c.get("name")).containsExactly("sidecar");
        assertThat(p.lifecycleHooks()).containsOnlyKeys("postStart");
        assertThat(p.extraPodConfig()).containsEntry("dnsPolicy", "ClusterFirst");
        assertThat(p.extraContainerConfig()).containsEntry("workingDir", "/home/jovyan/work");
        assertThat(p.imagePullSecrets()).containsExactly("team-registry");
        assertThat(p.priorityClassName()).isEqualTo("notebooks-high");
        assertThat(p.schedulerName()).isEqualTo("team-scheduler");
        assertThat(p.podAffinity().preferred()).hasSize(1);
        assertThat(p.podAntiAffinity().required()).hasSize(1);
        assertThat(p.fsGroup()).isEqualTo(2000L);
        assertThat(p.fsGroupChangePolicy()).isEqualTo("OnRootMismatch");
        assertThat(p.serviceAccount()).isEqualTo("team-reader");
        assertThat(p.automountServiceAccountToken()).isTrue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void anOptionChoiceWinsOverTheProfileWhichWinsOverTheGlobalDefaults() throws IOException {
        ProfileOverrides global = ProfileOverridesYaml.parse("hub.yaml", """
                scheduler_name: global-scheduler
                priority_class_name: global-priority
                image_pull_secrets: [global-registry]
                extra_pod_config: {terminationGracePeriodSeconds: 5, securityContext: {runAsNonRoot: true}}
                """);

        ResolvedProfile r = open(PROFILES).resolve(global, "team", Map.of("size", "scratch"));

        PodOptions p = r.pod();
        assertThat(p.schedulerName()).isEqualTo("default-scheduler");
        assertThat(p.priorityClassName()).isEqualTo("notebooks-high");
        assertThat(p.imagePullSecrets()).containsExactly("global-registry", "team-registry", "scratch-registry");
        assertThat(p.extraContainers()).containsExactly(Map.of("name", "sidecar", "image", "busybox:1.37"));
        assertThat(r.storage().type()).isEqualTo("none");
        assertThat(r.storage().staticPvcName()).isEqualTo("home-nfs");
        // Deep merge: mappings by key across all three levels; the choice's null is kept to remove dnsPolicy last.
        assertThat(p.extraPodConfig()).containsEntry("terminationGracePeriodSeconds", 5L).containsKey("dnsPolicy");
        assertThat(p.extraPodConfig().get("dnsPolicy")).isNull();
        assertThat(((Map<String, ?>) p.extraPodConfig().get("securityContext")).keySet()).containsExactlyInAnyOrder("runAsNonRoot",
                "supplementalGroups", "sysctls");
    }

    @Test
    void aProfileWithoutPodOptionsResolvesToNone() throws IOException {
        ResolvedProfile r = open("slug: plain\ndefault: true\n").resolve(ProfileOverrides.NONE, "plain", Map.of());

        assertThat(r.pod()).isEqualTo(PodOptions.NONE);
        assertThat(r.storage()).isEqualTo(Storage.DEFAULTS);
    }

    static Stream<Arguments> badOptions() {
        return Stream.of(
                Arguments.of("a misspelt PodSpec field", "extra_pod_config: {dnsPolicyy: ClusterFirst}",
                        "3:20: extra_pod_config: unknown key \"dnsPolicyy\" (did you mean \"dnsPolicy\"?)"),
                Arguments.of("the notebook's containers list", "extra_pod_config: {containers: []}",
                        "3:20: extra_pod_config: \"containers\" cannot be set here: use extra_containers"
                        + " for more containers and extra_container_config to change the notebook's"),
                Arguments.of("the notebook container's name", "extra_container_config: {name: x}",
                        "3:26: extra_container_config: \"name\" cannot be set here: the notebook"
                        + " container's name is fixed (\"notebook\"); the spawner's readiness and failure"
                        + " checks look for it"),
                Arguments.of("a sidecar without an image", "extra_containers: [{name: side}]",
                        "3:20: extra_containers[0]: needs an image"),
                Arguments.of("a sidecar named like the notebook", "extra_containers: [{name: notebook, image: x}]",
                        "3:27: extra_containers[0].name: \"notebook\" is the notebook container's name;"
                        + " choose another"),
                Arguments.of("a misspelt container field", "init_containers: [{name: a, image: x, comand: [ls]}]",
                        "3:39: init_containers[0]: unknown key \"comand\" (did you mean \"command\"?)"),
                Arguments.of("an unknown lifecycle hook", "lifecycle_hooks: {postStop: {exec: {command: [ls]}}}",
                        "3:19: lifecycle_hooks: unknown key \"postStop\"; known keys: postStart, preStop"),
                Arguments.of("a hook with two handlers", "lifecycle_hooks: {preStop: {exec: {}, sleep: {seconds: 1}}}",
                        "3:28: lifecycle_hooks.preStop: needs exactly one of exec, httpGet, tcpSocket,"
                        + " sleep"),
                Arguments.of("a bad fsGroupChangePolicy", "fs_group_change_policy: OnMismatch",
                        "3:25: fs_group_change_policy: \"OnMismatch\" is not an fsGroupChangePolicy; use"
                        + " one of OnRootMismatch, Always"),
                Arguments.of("a negative fs_group", "fs_group: -1",
                        "3:11: fs_group: -1 is out of range; allowed: 0 to 2147483647"),
                Arguments.of("a pod affinity term without a topology key", "pod_anti_affinity: {required: [{labelSelector: {}}]}",
                        "3:32: pod_anti_affinity.required[0]: needs a topologyKey (e.g."
                        + " kubernetes.io/hostname)"),
                Arguments.of("a bad pull secret name", "image_pull_secrets: [Team_Registry]",
                        "3:22: image_pull_secrets[0]: secret name \"Team_Registry\" is not a valid"
                        + " Kubernetes object name (at most 253 lowercase letters, digits, '-' and '.',"
                        + " starting and ending with a letter or digit)"),
                Arguments.of("an unknown storage type", "storage: {type: nfs}",
                        "3:17: storage.type: \"nfs\" is not a storage type; use one of dynamic, static,"
                        + " none"),
                Arguments.of("a static sub path that climbs out", "storage: {static: {sub_path: \"../{username}\"}}",
                        "3:30: storage.static.sub_path: \"../{username}\" must be a relative path inside"
                        + " the claim (no leading / and no ..)"),
                Arguments.of("an unknown placeholder", "storage: {static: {sub_path: \"home/{user}\"}}",
                        "3:30: storage.static.sub_path: \"home/{user}\" uses an unknown placeholder; the"
                        + " one known is {username}"),
                Arguments.of("a non-boolean automount", "automount_service_account_token: sometimes",
                        "3:34: automount_service_account_token: expected true or false, found the text"
                        + " \"sometimes\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOptions")
    void refusesABadPodOptionAtItsLineAndColumn(String name, String line, String expected) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "slug: a\ndefault: true\n" + line + "\n");

        List<ProfileError> errors = ProfileDirectory.check(dir);

        assertThat(errors).extracting(e -> e.toString().replace(dir + "/", "")).containsExactly("a.yaml:" + expected);
    }
}
