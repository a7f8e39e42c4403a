package dev.bookmarks.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The client library knows nothing of its command line, so the two have no cycle. */
class ClientArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.bookmarks.client");

    @Test
    void theLibraryDoesNotDependOnTheCommandLine() {
        noClasses().that().resideInAPackage("dev.bookmarks.client").should().dependOnClassesThat()
                .resideInAPackage("dev.bookmarks.client.cli..").check(CLASSES);
    }
}
