package io.notebookhub.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProfilesSchemaTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("profiles.schema.json"))) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        }
    }

    private static Set<String> problems(String yaml) throws IOException {
        JsonNode node = YAML.readTree(yaml);
        return schema.validate(node).stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"01-small.yaml", "02-large.yaml", "03-gpu.yaml"})
    void acceptsTheShippedProfiles(String file) throws IOException {
        assertThat(problems(Files.readString(Path.of(file)))).isEmpty();
    }

    @Test
    void bundlesExactlyTheShippedFiles() throws IOException {
        try (var files = Files.list(Path.of(""))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")))
                    .containsExactlyInAnyOrderElementsOf(ProfileDirectory.BUNDLED_FILES);
        }
    }

    @Test
    void acceptsAListOfProfilesWithOptionsAndAnUnlistedChoice() throws IOException {
        assertThat(problems("""
                - slug: a
                  default: true
                  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
                  volume_mounts: [{name: data, mountPath: /data, readOnly: true}]
                  options:
                    image:
                      choices:
                        scipy: {default: true, overrides: {image: "quay.io/jupyter/scipy-notebook"}}
                      unlisted_choice: {validation_regex: ".+", overrides: {image: "{value}"}}
                - slug: b
                  idle_timeout: 3600
                  start_timeout: 5m
                """)).isEmpty();
    }

    @Test
    void rejectsAMisspeltKeyABadQuantityAndABadOperator() throws IOException {
        Set<String> problems = problems("""
                slug: Bad_Slug
                dispaly_name: x
                memory: {limit: 2GB}
                tolerations: [{key: a, operator: Equals}]
                """);

        assertThat(String.join("\n", problems)).contains("'dispaly_name' is not defined", "$.slug: does not match",
                "$.memory.limit: does not match", "$.tolerations[0].operator: does not have a value in the enumeration");
    }

    @Test
    void acceptsThePodOptionsAndStorageTypesAndRefusesAMisspeltPodSpecField() throws IOException {
        assertThat(problems("""
                slug: team
                storage: {type: static, static: {pvc_name: home-nfs, sub_path: "home/{username}"}}
                init_containers: [{name: fetch, image: busybox, command: [ls]}]
                extra_containers: [{name: side, image: busybox}]
                lifecycle_hooks: {postStart: {exec: {command: [ls]}}}
                extra_pod_config: {dnsPolicy: ClusterFirst, enableServiceLinks: null}
                extra_container_config: {workingDir: /tmp}
                image_pull_secrets: [team-registry]
                priority_class_name: high
                scheduler_name: default-scheduler
                pod_affinity: {preferred: [{weight: 5, podAffinityTerm: {topologyKey: zone}}]}
                pod_anti_affinity: {required: [{topologyKey: kubernetes.io/hostname}]}
                fs_group: 100
                fs_group_change_policy: OnRootMismatch
                service_account: reader
                automount_service_account_token: true
                """)).isEmpty();

        assertThat(String.join("\n", problems("""
                slug: team
                extra_pod_config: {dnsPolicyy: ClusterFirst}
                storage: {type: nfs}
                """))).contains("'dnsPolicyy' is not defined", "$.storage.type: does not have a value in the enumeration");
    }
}
