package io.notebookhub.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each bad folder must produce exactly one error, with this message at this position. */
class BadProfileFilesTest {
    @TempDir
    Path dir;

    static Stream<Arguments> badFiles() {
        return Stream.of(
                bad("YAML syntax error", """
                        slug: small
                        default: true
                        cpu: [1, 2
                        """, "a.yaml:4:1: YAML syntax: expected ',' or ']', but got <stream end> (while parsing a flow sequence)"),
                bad("misspelt key gets a suggestion", """
                        slug: small
                        dispaly_name: Small
                        default: true
                        """, "a.yaml:2:1: unknown key \"dispaly_name\" (did you mean \"display_name\"?)"),
                bad("unknown key lists the known ones", """
                        slug: small
                        default: true
                        colour: blue
                        """, "a.yaml:3:1: unknown key \"colour\"; known keys: slug, display_name, description, default, "
                        + "allowed_users, allowed_groups, max_servers, options, image, cpu, memory, extra_resource_limits, "
                        + "tolerations, node_selector, node_affinity, env, volumes, volume_mounts, storage, idle_timeout, "
                        + "start_timeout, init_containers, extra_containers, lifecycle_hooks, extra_pod_config, "
                        + "extra_container_config, image_pull_secrets, priority_class_name, scheduler_name, pod_affinity, "
                        + "pod_anti_affinity, fs_group, fs_group_change_policy, service_account, "
                        + "automount_service_account_token"),
                bad("slug is required", """
                        display_name: Small
                        default: true
                        """, "a.yaml:1:1: missing required key \"slug\""),
                bad("slug must be a DNS label", """
                        slug: Small_CPU
                        default: true
                        """, "a.yaml:1:7: slug \"Small_CPU\" is not a DNS label (1-63 characters: lowercase letters, "
                        + "digits and '-', starting and ending with a letter or digit)"),
                bad("slug at most 63 characters", "slug: " + "a".repeat(64) + "\ndefault: true\n",
                        "a.yaml:1:7: slug \"" + "a".repeat(64) + "\" is not a DNS label (1-63 characters: lowercase "
                        + "letters, digits and '-', starting and ending with a letter or digit)"),
                bad("duplicate key in one mapping", """
                        slug: a
                        default: true
                        slug: b
                        """, "a.yaml:3:1: duplicate key \"slug\" (first at line 1)"),
                bad("no default profile", """
                        slug: a
                        display_name: A
                        """, "a.yaml:1:1: no profile is marked \"default: true\"; mark exactly one"),
                bad("default must be a boolean", """
                        slug: a
                        default: yes please
                        """, "a.yaml:2:10: default: expected true or false, found the text \"yes please\""),
                bad("cpu guarantee above limit", """
                        slug: a
                        default: true
                        cpu:
                          guarantee: "2"
                          limit: 500m
                        """, "a.yaml:4:14: cpu: guarantee 2 is more than limit 500m"),
                bad("memory guarantee above limit compares binary and decimal units", """
                        slug: a
                        default: true
                        memory: {guarantee: 2Gi, limit: 2G}
                        """, "a.yaml:3:21: memory: guarantee 2Gi is more than limit 2G"),
                bad("quantity with a made-up unit", """
                        slug: a
                        default: true
                        memory:
                          limit: 2GB
                        """, "a.yaml:4:10: memory.limit: \"2GB\" is not a Kubernetes quantity (examples: 500m, 2, 1.5, "
                        + "512Mi, 2Gi, 1G)"),
                bad("negative quantity", """
                        slug: a
                        default: true
                        cpu:
                          limit: -1
                        """, "a.yaml:4:10: cpu.limit: \"-1\" is negative; resources must be 0 or more"),
                bad("cpu must be a mapping", """
                        slug: a
                        default: true
                        cpu: 2
                        """, "a.yaml:3:6: cpu: expected a mapping with guarantee and/or limit, found the number 2"),
                bad("misspelt key inside cpu", """
                        slug: a
                        default: true
                        cpu:
                          guarentee: 1
                        """, "a.yaml:4:3: cpu: unknown key \"guarentee\" (did you mean \"guarantee\"?)"),
                bad("toleration operator", """
                        slug: a
                        default: true
                        tolerations:
                          - key: nvidia.com/gpu
                            operator: Equals
                        """, "a.yaml:5:15: tolerations[0].operator: \"Equals\" is not a toleration operator; use one of "
                        + "Equal, Exists (did you mean \"Equal\"?)"),
                bad("toleration effect", """
                        slug: a
                        default: true
                        tolerations:
                          - key: nvidia.com/gpu
                            operator: Exists
                            effect: NoSchedul
                        """, "a.yaml:6:13: tolerations[0].effect: \"NoSchedul\" is not a taint effect; use one of "
                        + "NoSchedule, PreferNoSchedule, NoExecute (did you mean \"NoSchedule\"?)"),
                bad("Exists takes no value", """
                        slug: a
                        default: true
                        tolerations:
                          - key: nvidia.com/gpu
                            operator: Exists
                            value: "true"
                        """, "a.yaml:6:12: tolerations[0].value: must be empty when operator is Exists"),
                bad("a toleration without key must be Exists", """
                        slug: a
                        default: true
                        tolerations:
                          - effect: NoSchedule
                        """, "a.yaml:4:5: tolerations[0]: a toleration without a key must use operator Exists "
                        + "(it then tolerates every taint)"),
                bad("tolerationSeconds only with NoExecute", """
                        slug: a
                        default: true
                        tolerations:
                          - {key: spot, operator: Exists, effect: NoSchedule, tolerationSeconds: 60}
                        """, "a.yaml:4:74: tolerations[0].tolerationSeconds: only allowed with effect NoExecute"),
                bad("env value must be a single value", """
                        slug: a
                        default: true
                        env:
                          FOO:
                            bar: 1
                        """, "a.yaml:5:5: env.FOO: expected a single value, found a mapping"),
                bad("env name", """
                        slug: a
                        default: true
                        env:
                          MY VAR: x
                        """, "a.yaml:4:3: env: \"MY VAR\" is not a valid environment variable name (letters, digits, "
                        + "'_', '-' and '.', not starting with a digit)"),
                bad("max_servers at least 1", """
                        slug: a
                        default: true
                        max_servers: 0
                        """, "a.yaml:3:14: max_servers: 0 is out of range; allowed: 1 to 100000"),
                bad("max_servers must be a number", """
                        slug: a
                        default: true
                        max_servers: three
                        """, "a.yaml:3:14: max_servers: expected a whole number, found the text \"three\""),
                bad("idle_timeout words are not a duration", """
                        slug: a
                        default: true
                        idle_timeout: 30 minutes
                        """, "a.yaml:3:15: idle_timeout: \"30 minutes\" is not a duration; use whole seconds (1800) "
                        + "or units like \"30m\", \"2h\", \"1h30m\", \"7d\""),
                bad("idle_timeout below a minute", """
                        slug: a
                        default: true
                        idle_timeout: 10
                        """, "a.yaml:3:15: idle_timeout: 10s is out of range; allowed: 1m to 30d"),
                bad("allowed_groups must be a list", """
                        slug: a
                        default: true
                        allowed_groups: gpu-users
                        """, "a.yaml:3:17: allowed_groups: expected a list, found the text \"gpu-users\""),
                bad("image must not be empty", """
                        slug: a
                        default: true
                        image: ""
                        """, "a.yaml:3:8: image: must not be empty"),
                bad("a key without a value", """
                        slug: a
                        default: true
                        image:
                        """, "a.yaml:3:7: image: expected text, found no value"),
                bad("volume needs a name", """
                        slug: a
                        default: true
                        volumes:
                          - nfs: {server: nfs.example.org, path: /datasets}
                        """, "a.yaml:4:5: volumes[0]: needs a name"),
                bad("volume needs a source", """
                        slug: a
                        default: true
                        volumes:
                          - name: datasets
                        """, "a.yaml:4:5: volumes[0]: volume \"datasets\" has no source (e.g. persistentVolumeClaim, "
                        + "configMap, nfs, emptyDir)"),
                bad("mount path must be absolute", """
                        slug: a
                        default: true
                        volume_mounts:
                          - name: datasets
                            mountPath: datasets
                        """, "a.yaml:5:16: volume_mounts[0].mountPath: \"datasets\" is not an absolute path"),
                bad("extended resource needs a domain", """
                        slug: a
                        default: true
                        extra_resource_limits:
                          gpu: 1
                        """, "a.yaml:4:3: extra_resource_limits: \"gpu\" is not an extended resource name; use a "
                        + "domain-prefixed name such as nvidia.com/gpu"),
                bad("extended resources are whole", """
                        slug: a
                        default: true
                        extra_resource_limits:
                          nvidia.com/gpu: 0.5
                        """, "a.yaml:4:19: extra_resource_limits.nvidia.com/gpu: extended resources are whole numbers, "
                        + "found 0.5"),
                bad("node affinity operator", """
                        slug: a
                        default: true
                        node_affinity:
                          required:
                            - matchExpressions:
                                - {key: gpu-type, operator: in, values: [t4]}
                        """, "a.yaml:6:37: node_affinity.required[0].matchExpressions[0].operator: \"in\" is not a node "
                        + "selector operator; use one of In, NotIn, Exists, DoesNotExist, Gt, Lt (did you mean \"In\"?)"),
                bad("preferred weight range", """
                        slug: a
                        default: true
                        node_affinity:
                          preferred:
                            - weight: 0
                              preference:
                                matchExpressions: [{key: spot, operator: DoesNotExist}]
                        """, "a.yaml:5:15: node_affinity.preferred[0].weight: 0 is out of range; allowed: 1 to 100"),
                bad("storage access mode", """
                        slug: a
                        default: true
                        storage:
                          access_modes: [ReadWriteOne]
                        """, "a.yaml:4:18: storage.access_modes[0]: \"ReadWriteOne\" is not an access mode; use one of "
                        + "ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod (did you mean \"ReadWriteOnce\"?)"),
                bad("two default choices in an option", """
                        slug: a
                        default: true
                        options:
                          image:
                            choices:
                              scipy: {default: true, overrides: {image: "quay.io/jupyter/scipy-notebook:2024-10-07"}}
                              torch: {default: true, overrides: {image: "quay.io/jupyter/pytorch-notebook:2024-10-07"}}
                        """, "a.yaml:7:7: options.image.choices: \"torch\" and \"scipy\" are both marked default; "
                        + "mark at most one"),
                bad("misspelt override key in a choice", """
                        slug: a
                        default: true
                        options:
                          image:
                            choices:
                              scipy:
                                overrides:
                                  imgae: quay.io/jupyter/scipy-notebook
                        """, "a.yaml:8:11: options.image.choices.scipy.overrides: unknown key \"imgae\" "
                        + "(did you mean \"image\"?)"),
                bad("a choice must keep guarantee within limit", """
                        slug: a
                        default: true
                        cpu: {guarantee: 500m, limit: "1"}
                        options:
                          cores:
                            choices:
                              four:
                                overrides: {cpu: {guarantee: "4"}}
                        """, "a.yaml:8:20: options.cores.choices.four.overrides: with this choice, cpu guarantee 4 is "
                        + "more than limit 1"),
                bad("unlisted choice regex must compile", """
                        slug: a
                        default: true
                        options:
                          image:
                            unlisted_choice:
                              validation_regex: "quay.io/(.*"
                              overrides: {image: "{value}"}
                        """, "a.yaml:6:25: options.image.unlisted_choice.validation_regex: not a valid regular "
                        + "expression: Unclosed group near index 11"),
                bad("unlisted choice needs a regex", """
                        slug: a
                        default: true
                        options:
                          image:
                            unlisted_choice:
                              overrides: {image: "{value}"}
                        """, "a.yaml:6:7: options.image.unlisted_choice: validation_regex is required (free text is "
                        + "only accepted when it matches)"),
                bad("option named profile is reserved", """
                        slug: a
                        default: true
                        options:
                          profile:
                            choices: {x: {}}
                        """, "a.yaml:4:3: options: \"profile\" cannot be an option name (letters, digits, '_' and "
                        + "single '-' inside; \"profile\" is reserved)"),
                bad("empty file", "# nothing here yet\n",
                        "a.yaml:1:1: no profile in this file (write one profile as a mapping, a list of profiles, or [] "
                        + "for none)"),
                bad("top-level text", "just text\n",
                        "a.yaml:1:1: expected a profile (a mapping) or a list of profiles, found the text \"just text\""),
                bad2("duplicate slug across files", """
                        slug: small
                        default: true
                        """, """
                        slug: small
                        """, "b.yaml:1:7: duplicate slug \"small\" (first defined at a.yaml:1:7)"),
                bad2("two defaults across files", """
                        slug: a
                        default: true
                        """, """
                        slug: b
                        default: true
                        """, "b.yaml:2:10: profile \"b\" is marked default, and so is \"a\" (a.yaml:2:10); "
                        + "mark exactly one"));
    }

    private static Arguments bad(String name, String yaml, String expected) {
        return Arguments.of(name, Map.of("a.yaml", yaml), expected);
    }

    private static Arguments bad2(String name, String a, String b, String expected) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("a.yaml", a);
        files.put("b.yaml", b);
        return Arguments.of(name, files, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void reportsExactlyOneErrorWithItsPosition(String name, Map<String, String> files, String expected)
            throws IOException {
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }

        List<ProfileError> errors = ProfileDirectory.check(dir);

        String prefix = dir + "/";
        assertThat(errors).extracting(e -> e.toString().replace(prefix, "")).containsExactly(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void refusesToOpenABadFolder(String name, Map<String, String> files, String expected) throws IOException {
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProfileDirectory.open(dir))
                .isInstanceOf(InvalidProfilesException.class)
                .satisfies(e -> assertThat(((InvalidProfilesException) e).errors()).hasSize(1));
    }
}
