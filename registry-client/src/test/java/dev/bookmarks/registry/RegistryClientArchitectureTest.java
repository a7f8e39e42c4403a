package dev.bookmarks.registry;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The registry client's packages depend on each other without cycles. */
class RegistryClientArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.bookmarks.registry", "dev.bookmarks.localprofile", "dev.bookmarks.config");

    @Test
    void hasNoPackageCycles() {
        slices().matching("dev.bookmarks.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
