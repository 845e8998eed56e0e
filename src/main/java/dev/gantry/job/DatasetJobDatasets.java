package dev.gantry.job;

import dev.gantry.dataset.DatasetDescriptor;
import dev.gantry.dataset.DatasetService;
import dev.gantry.dataset.DatasetUnusableException;
import dev.gantry.training.config.DataShape;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Built-in sets and {@code READY} uploads, the upload's row locked against a delete until commit. */
@Component
class DatasetJobDatasets implements JobDatasets {

    private final DatasetService datasets;

    DatasetJobDatasets(DatasetService datasets) {
        this.datasets = datasets;
    }

    @Override
    public DataShape require(String dataset) {
        return require(dataset, null);
    }

    /** For a job of {@code project}: another project's upload is unknown. */
    JobDatasets in(UUID project) {
        return dataset -> require(dataset, project);
    }

    private DataShape require(String dataset, UUID project) {
        try {
            DatasetDescriptor d = datasets.requireReadyForJob(dataset, project);
            return new DataShape(
                    d.channels() > 0,
                    d.channels(),
                    d.height(),
                    d.width(),
                    d.classNames().size());
        } catch (DatasetUnusableException e) {
            throw new InvalidRequestException(List.of(new FieldError("dataset", e.getMessage())));
        }
    }
}
