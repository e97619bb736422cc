package dev.keyless.service;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Dependencies between the service's features point one way (service/README.md, "How it is
 * built"): a cycle between two top-level packages fails the build, so a new one is cut when it is
 * made, not found by the next review; the same holds for the packages within a feature. Read from
 * the compiled main classes, the generated bean definitions included.
 */
class PackageCyclesTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.keyless.service");

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("dev.keyless.service.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void packagesWithinAFeatureHaveNoCyclesEither() {
        slices().matching("dev.keyless.service.(**)").should().beFreeOfCycles().check(MAIN);
    }
}
