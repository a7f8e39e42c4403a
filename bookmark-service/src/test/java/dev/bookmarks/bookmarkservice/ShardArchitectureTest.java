package dev.bookmarks.bookmarkservice;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The shard's packages depend on each other without cycles, and its bookmarks go controller -> service -> store. */
class ShardArchitectureTest {

    private static final JavaClasses SHARD = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.bookmarks.bookmarkservice");

    @Test
    void hasNoPackageCycles() {
        slices().matching("dev.bookmarks.bookmarkservice.(*)..").should().beFreeOfCycles().check(SHARD);
    }

    @Test
    void goesFromControllerToServiceToStoreOnly() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Controller").definedBy(named("BookmarkController|BookmarkExceptionHandler"))
                .layer("Service").definedBy(named("BookmarkService"))
                .layer("Store").definedBy(named("BookmarkStore|IdempotencyRecords"))
                .whereLayer("Controller").mayNotBeAccessedByAnyLayer()
                .whereLayer("Service").mayOnlyBeAccessedByLayers("Controller")
                .whereLayer("Store").mayOnlyBeAccessedByLayers("Service")
                .check(SHARD);
    }

    /** The classes of the bookmarks package with one of these simple names, and their nested classes. */
    private static DescribedPredicate<HasName> named(String simpleNames) {
        return HasName.Predicates.nameMatching("dev\\.bookmarks\\.bookmarkservice\\.bookmarks\\.(" + simpleNames + ")(\\$.*)?");
    }
}
