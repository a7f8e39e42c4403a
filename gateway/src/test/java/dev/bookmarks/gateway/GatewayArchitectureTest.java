package dev.bookmarks.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The gateway's packages depend on each other one way only: the capabilities without cycles among them, the
 * shared root below them all, and the per-request state they share ({@code exchange}) below the root.
 */
class GatewayArchitectureTest {

    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.bookmarks.gateway");

    @Test
    void hasNoPackageCycles() {
        ArchRule rule = slices().matching("dev.bookmarks.gateway.(*)..").should().beFreeOfCycles();

        rule.check(GATEWAY);
    }

    /**
     * The slices above leave out the root package, which holds the types every capability shares (properties,
     * problems, filter order, shard failures): it may use the per-request state, and nothing else below it, so
     * that no capability reaches back to another through the root.
     */
    @Test
    void keepsTheSharedRootFreeOfTheCapabilities() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.bookmarks.gateway")
                .and().doNotHaveSimpleName("GatewayApplication")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.bookmarks.gateway.headers..", "dev.bookmarks.gateway.limits..",
                        "dev.bookmarks.gateway.resilience..", "dev.bookmarks.gateway.routing..",
                        "dev.bookmarks.gateway.security..", "dev.bookmarks.gateway.tls..")
                .because("the application class alone assembles the capabilities");

        rule.check(GATEWAY);
    }

    @Test
    void keepsThePerRequestStateFreeOfTheFiltersThatShareIt() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.bookmarks.gateway.exchange..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.bookmarks.gateway",
                        "dev.bookmarks.gateway.headers..", "dev.bookmarks.gateway.limits..",
                        "dev.bookmarks.gateway.resilience..", "dev.bookmarks.gateway.routing..",
                        "dev.bookmarks.gateway.security..", "dev.bookmarks.gateway.tls..");

        rule.check(GATEWAY);
    }
}
