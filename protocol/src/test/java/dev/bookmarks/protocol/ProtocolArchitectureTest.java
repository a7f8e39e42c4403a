package dev.bookmarks.protocol;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The gateway-to-shard protocol is plain Java, shared by a WebFlux gateway and a servlet shard: it can import
 * neither side's stack.
 */
class ProtocolArchitectureTest {

    private static final JavaClasses PROTOCOL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.bookmarks.protocol");

    @Test
    void dependsOnNothingButItselfAndTheJdk() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("dev.bookmarks.protocol..", "java..", "javax..")
                .because("gateway and shard both use it; Spring, Reactor, Netty and Redis belong to one side or neither")
                .check(PROTOCOL);
    }
}
