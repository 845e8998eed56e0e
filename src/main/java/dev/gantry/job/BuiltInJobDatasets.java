package dev.gantry.job;

import dev.gantry.training.TrainingCatalog;
import dev.gantry.training.config.DataShape;
import java.util.List;
import org.springframework.stereotype.Component;

/** Jobs on the built-in datasets only. */
@Component
class BuiltInJobDatasets implements JobDatasets {

    @Override
    public DataShape require(String dataset) {
        return TrainingCatalog.builtInShape(dataset)
                .orElseThrow(() -> new InvalidRequestException(List.of(new FieldError(
                        "dataset",
                        "unknown value '" + JobSpecValidator.quote(dataset) + "'; one of "
                                + TrainingCatalog.builtInDatasets().stream()
                                        .sorted()
                                        .toList()))));
    }
}
