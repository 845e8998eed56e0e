package dev.gantry;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package map of DESIGN §2, enforced. */
class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gantry");

    @Test
    void the_training_core_is_plain_java_and_djl() {
        noClasses()
                .that()
                .resideInAPackage("dev.gantry.training..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..",
                        "jakarta.persistence..",
                        "jakarta.servlet..",
                        "java.sql..",
                        "dev.gantry.job..",
                        "dev.gantry.scheduler..",
                        "dev.gantry.worker..",
                        "dev.gantry.api..",
                        "dev.gantry.metrics..",
                        "dev.gantry.storage..",
                        "dev.gantry.artifact..",
                        "dev.gantry.database..")
                .check(CLASSES);
    }

    @Test
    void only_the_worker_runs_training() {
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.gantry.training..", "dev.gantry.worker..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.gantry.training.loss..",
                        "dev.gantry.training.model..",
                        "dev.gantry.training.data..",
                        "dev.gantry.training.eval..",
                        "ai.djl..")
                .check(CLASSES);
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.gantry.training..", "dev.gantry.worker..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("dev.gantry.training.GanTraining")
                .check(CLASSES);
    }

    @Test
    void the_scheduler_and_stores_know_nothing_of_http_or_workers() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.gantry.scheduler..",
                        "dev.gantry.metrics..",
                        "dev.gantry.storage..",
                        "dev.gantry.artifact..",
                        "dev.gantry.job..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.gantry.api..", "dev.gantry.worker..")
                .check(CLASSES);
    }

    @Test
    void no_package_depends_on_itself_through_others() {
        // Every package is its own slice: training and training.loss are two, so a cycle between
        // a package and its sub-package counts too.
        slices().matching("dev.gantry.(**)").should().beFreeOfCycles().check(CLASSES);
    }
}
