package dev.bookmarks.ring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The ring core is plain Java: Spring, Reactor and Redis adapt it at the edges, never the other way round. */
class RingArchitectureTest {

    private static final JavaClasses RING = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.bookmarks.ring");

    @Test
    void dependsOnNothingButItselfAndTheJdk() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("dev.bookmarks.ring..", "java..")
                .because("the ring is plain Java (no Spring, Reactor, Netty or Redis): they adapt it at the edges")
                .check(RING);
    }
}
