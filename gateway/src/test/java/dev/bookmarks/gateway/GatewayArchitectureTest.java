package dev.bookmarks.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The gateway's packages depend on each other one way only, and the per-request state they share
 * ({@code exchange}) depends on none of them.
 */
class GatewayArchitectureTest {

    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.bookmarks.gateway");

    @Test
    void hasNoPackageCycles() {
        ArchRule rule = slices().matching("dev.bookmarks.gateway.(*)..").should().beFreeOfCycles();

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
