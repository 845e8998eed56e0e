package dev.gantry.api;

import dev.gantry.security.Access;
import dev.gantry.security.Role;
import dev.gantry.training.TrainingCatalog;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What a job spec may name: losses, terms with their parameters, architectures, augmentations,
 * optimizers, and which way each evaluation metric improves. Read from the same descriptors the validator and the trainer use, so it cannot
 * drift from what the service accepts.
 */
@RestController
class CatalogController {

    record CatalogResponse(
            List<TrainingCatalog.LossInfo> adversarialLosses,
            List<TrainingCatalog.TermInfo> terms,
            List<String> architectures,
            List<Integer> resolutions,
            List<String> augmentations,
            List<String> tasks,
            List<Integer> scales,
            List<String> optimizers,
            List<String> schedules,
            Map<String, String> metricGoals) {}

    @Access(role = Role.VIEWER)
    @GetMapping(path = "/api/v1/catalog", produces = MediaType.APPLICATION_JSON_VALUE)
    CatalogResponse catalog() {
        return new CatalogResponse(
                TrainingCatalog.lossInfo(),
                TrainingCatalog.termInfo(),
                TrainingCatalog.architectures(),
                TrainingCatalog.RESOLUTIONS.stream().sorted().toList(),
                TrainingCatalog.augmentations(),
                TrainingCatalog.TASKS,
                TrainingCatalog.SCALES.stream().sorted().toList(),
                TrainingCatalog.OPTIMIZERS.stream().sorted().toList(),
                TrainingCatalog.SCHEDULES.stream().sorted().toList(),
                TrainingCatalog.metricGoals());
    }
}
