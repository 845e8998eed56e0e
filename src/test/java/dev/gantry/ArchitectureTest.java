package dev.gantry;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.gantry.training.GanTraining;
import dev.gantry.training.GeneratorSampler;
import dev.gantry.training.data.BuiltInDatasets;
import dev.gantry.training.data.ImageFitting;
import dev.gantry.training.data.ImageTensor;
import dev.gantry.training.data.ImageTensorFile;
import dev.gantry.training.data.InvalidImageTensorFileException;
import dev.gantry.training.data.Png;
import dev.gantry.training.model.TensorData;
import org.junit.jupiter.api.Test;

/** The package map of DESIGN §2, enforced. */
class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gantry");

    /** Spring, SQL and the service's packages: what a plain-Java part must not touch. */
    static final String[] THE_SERVICE = {
        "org.springframework..",
        "java.sql..",
        "dev.gantry.job..",
        "dev.gantry.scheduler..",
        "dev.gantry.worker..",
        "dev.gantry.api..",
        "dev.gantry.metrics..",
        "dev.gantry.events..",
        "dev.gantry.storage..",
        "dev.gantry.artifact..",
        "dev.gantry.dataset..",
        "dev.gantry.database.."
    };

    @Test
    void the_training_core_is_plain_java_and_djl() {
        noClasses()
                .that()
                .resideInAPackage("dev.gantry.training..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("jakarta.persistence..", "jakarta.servlet..")
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage(THE_SERVICE)
                .check(CLASSES);
    }

    /** The training core's internals and DJL: what loads libtorch or builds networks. */
    static final String[] TRAINING_INTERNALS = {
        "dev.gantry.training.loss..",
        "dev.gantry.training.model..",
        "dev.gantry.training.data..",
        "dev.gantry.training.eval..",
        "ai.djl.."
    };

    /**
     * libtorch runs in worker processes and generation processes ({@code generation.child}), never
     * in the API process: a native crash there would take the API down.
     */
    @Test
    void only_the_worker_and_the_generation_process_run_training() {
        noClasses()
                .that()
                .resideOutsideOfPackages(
                        "dev.gantry.training..",
                        "dev.gantry.worker..",
                        "dev.gantry.dataset..",
                        "dev.gantry.generation.child..",
                        "dev.gantry.generation.export..")
                .should()
                .dependOnClassesThat(resideInAnyPackage(TRAINING_INTERNALS).and(not(equivalentTo(Png.class))))
                .check(CLASSES);
        // A sweep's analysis plot is drawn in the server: the PNG encoder only, plain Java.
        noClasses()
                .that()
                .resideInAPackage("dev.gantry.sweep..")
                .should()
                .dependOnClassesThat(
                        resideInAnyPackage("dev.gantry.training..", "ai.djl..").and(not(equivalentTo(Png.class))))
                .check(CLASSES);
        noClasses()
                .that()
                .resideOutsideOfPackages(
                        "dev.gantry.training..", "dev.gantry.worker..", "dev.gantry.generation.child..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName(GanTraining.class.getName())
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName(GeneratorSampler.class.getName())
                .check(CLASSES);
    }

    /**
     * An export runs in the API process: it may read a checkpoint's tensors as Java arrays
     * ({@link TensorData}, a record of floats) and nothing else of the core's internals.
     */
    @Test
    void an_export_reads_checkpoints_as_bytes_without_libtorch() {
        noClasses()
                .that()
                .resideInAPackage("dev.gantry.generation.export..")
                .should()
                .dependOnClassesThat(resideInAnyPackage(TRAINING_INTERNALS).and(not(equivalentTo(TensorData.class))))
                .check(CLASSES);
    }

    /**
     * The generation process is a plain JVM that talks to its server through its pipes: no Spring,
     * no database, none of the server's side of generation.
     */
    @Test
    void the_generation_process_knows_nothing_of_the_service() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.gantry.generation.child..", "dev.gantry.generation.protocol..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.gantry.generation", "dev.gantry.generation.export..")
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage(THE_SERVICE)
                .check(CLASSES);
    }

    /** The plain-Java part of {@code training.data} that the dataset service writes and previews with. */
    static final DescribedPredicate<JavaClass> PLAIN_DATA = belongToAnyOf(
            ImageTensor.class,
            ImageTensorFile.class,
            InvalidImageTensorFileException.class,
            BuiltInDatasets.class,
            ImageFitting.class,
            Png.class);

    /** Datasets are decoded in the server: the image-file classes only, never DJL or the rest of training. */
    @Test
    void the_dataset_service_uses_only_the_plain_java_image_files_of_training() {
        noClasses()
                .that()
                .resideInAPackage("dev.gantry.dataset..")
                .should()
                .dependOnClassesThat(
                        resideInAnyPackage("dev.gantry.training..", "ai.djl..").and(DescribedPredicate.not(PLAIN_DATA)))
                .check(CLASSES);
        classes()
                .that(PLAIN_DATA)
                .should()
                .onlyDependOnClassesThat(resideInAnyPackage("java..", "javax..", "dev.gantry.training.data..")
                        .and(DescribedPredicate.not(resideInAnyPackage("ai.djl.."))))
                .check(CLASSES);
        noClasses()
                .that()
                .resideInAPackage("dev.gantry.dataset..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.gantry.api..", "dev.gantry.job..", "dev.gantry.worker..")
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
