package dev.gantry.worker;

import dev.gantry.dataset.DatasetDescriptor;
import dev.gantry.dataset.DatasetService;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.data.BuiltInDatasets;
import dev.gantry.training.data.Datasets;
import dev.gantry.training.data.TrainingData;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The data a run trains on: a built-in set generated here, or an upload's tensor from the object store. */
@Component
class TrainingDataLoader {

    private final DatasetService datasets;
    private final TransactionTemplate transaction;

    TrainingDataLoader(DatasetService datasets, PlatformTransactionManager transactions) {
        this.datasets = datasets;
        this.transaction = new TransactionTemplate(transactions);
    }

    /**
     * @throws dev.gantry.dataset.DatasetUnusableException when the upload is gone or not READY
     * @throws dev.gantry.dataset.CorruptDatasetException when its stored bytes are not the recorded ones
     */
    TrainingData load(DataConfig data) {
        if (BuiltInDatasets.find(data.dataset()).isPresent()) {
            return Datasets.builtIn(data);
        }
        DatasetDescriptor descriptor = transaction.execute(s -> datasets.requireReadyForJob(data.dataset()));
        return Datasets.images(datasets.readTensor(descriptor), data);
    }
}
