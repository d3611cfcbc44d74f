package io.notebookhub.hub;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The hub's layers (hub/DESIGN.md, "Packages"): the store at the bottom, the domain (users, servers, services,
 * health) above it, and the HTTP-facing packages (http, api, web, oauthprovider, login) on top, wired together only
 * by HubApp; no two packages depend on each other. Lower layers never reach up.
 */
class HubLayeringArchitectureTest {
    private static final String HUB = "io.notebookhub.hub";
    private static final String[] HTTP_FACING = {HUB + ".http..", HUB + ".api..", HUB + ".web..", HUB + ".oauthprovider..",
        HUB + ".login.."};
    private static final String[] DOMAIN = {HUB + ".store..", HUB + ".users..", HUB + ".servers..",
        HUB + ".services..", HUB + ".health..", HUB + ".refusals.."};

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(HUB);

    @Test
    void hasNoCycleBetweenPackages() {
        slices().matching(HUB + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void keepsTheStoreFreeOfEveryOtherHubPackage() {
        noClasses().that().resideInAPackage(HUB + ".store..")
                .should().dependOnClassesThat().resideInAnyPackage(HUB + ".users..", HUB + ".auth..",
                        HUB + ".servers..", HUB + ".services..", HUB + ".health..", HUB + ".culling..",
                        HUB + ".config..", HUB + ".http..", HUB + ".api..", HUB + ".web..", HUB + ".oauthprovider..",
                        HUB + ".login..")
                .check(classes);
    }

    @Test
    void keepsTheDomainUnawareOfHttpAndVertxWeb() {
        noClasses().that().resideInAnyPackage(DOMAIN)
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx.ext.web..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(HUB + ".http.HttpError")
                .orShould().dependOnClassesThat().resideInAnyPackage(HUB + ".api..", HUB + ".web..", HUB + ".oauthprovider..",
                        HUB + ".login..")
                .check(classes);
    }

    @Test
    void keepsRefusalsALeafThatAnyLayerMayUse() {
        noClasses().that().resideInAPackage(HUB + ".refusals..")
                .should().dependOnClassesThat().resideOutsideOfPackages(HUB + ".refusals..", "java..")
                .check(classes);
    }

    @Test
    void leavesTheRestHandlersToTheTopLevelWiring() {
        noClasses().that().resideOutsideOfPackages(HUB + ".api..", HUB)
                .should().dependOnClassesThat().resideInAnyPackage(HUB + ".api..")
                .check(classes);
    }

    @Test
    void letsNothingButMainAndTheCommandsReachHubApp() {
        noClasses().that().resideOutsideOfPackage(HUB)
                .should().dependOnClassesThat().haveFullyQualifiedName(HUB + ".HubApp")
                .check(classes);
    }

    @Test
    void keepsHttpFacingCodeOutOfTheCuller() {
        noClasses().that().resideInAPackage(HUB + ".culling..")
                .should().dependOnClassesThat().resideInAnyPackage(HTTP_FACING[1], HTTP_FACING[2], HTTP_FACING[3],
                        HTTP_FACING[4])
                .check(classes);
    }
}
