package dev.gantry.worker;

import dev.gantry.job.JobSpec;
import dev.gantry.storage.ObjectStore;
import dev.gantry.training.eval.EvaluationSetup;
import org.springframework.stereotype.Component;

/** What a run's evaluation gets from the worker: the job's feature network and the reference cache. */
@Component
class RunEvaluation {

    private final ObjectStore store;
    private final FeatureNetworkLoader networks;

    RunEvaluation(ObjectStore store) {
        this.store = store;
        // Uploaded feature networks are not there yet: submit refuses a spec that names one
        // (job.NoFeatureNetworks), so no run gets here with one. Their loader replaces this.
        this.networks = id -> {
            throw new IllegalStateException("feature network " + id + " cannot be loaded: none can be uploaded yet");
        };
    }

    EvaluationSetup setup(JobSpec spec) {
        String network = spec.evaluation() == null ? null : spec.evaluation().featureNetwork();
        return new EvaluationSetup(
                network == null ? null : networks.load(network), new ObjectStoreReferenceCache(store));
    }
}
