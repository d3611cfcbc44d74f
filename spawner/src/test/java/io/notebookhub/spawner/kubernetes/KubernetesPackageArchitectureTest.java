package io.notebookhub.spawner.kubernetes;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class KubernetesPackageArchitectureTest {
    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.notebookhub.spawner.kubernetes");

    @Test
    void keepsManifestBuildersPureWithoutClientOrVertx() {
        noClasses().that().resideInAPackage("..spawner.kubernetes.model..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.fabric8.kubernetes.client.dsl..",
                        "..spawner.kubernetes.ops..", "..spawner.kubernetes.watch..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(
                        "io.fabric8.kubernetes.client.KubernetesClient")
                .check(classes);
    }

    @Test
    void keepsFailureClassificationFreeOfIo() {
        noClasses().that().haveSimpleName("PodFailures")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.fabric8.kubernetes.client..")
                .check(classes);
    }

    @Test
    void neverReachesIntoTheLocalSpawner() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.notebookhub.spawner.local..")
                .check(classes);
    }
}
