package dev.gantry.worker;

import dev.gantry.job.JobSpec;
import dev.gantry.storage.ObjectStore;
import dev.gantry.training.config.FeatureNetworkInfo;
import dev.gantry.training.eval.EvaluationSetup;
import dev.gantry.training.features.FeatureNetworkExtractor;
import dev.gantry.training.features.FeatureNetworks;
import java.util.List;
import org.springframework.stereotype.Component;

/** What a run's evaluation gets from the worker: the job's feature network and the reference cache. */
@Component
class RunEvaluation {

    private final ObjectStore store;

    RunEvaluation(ObjectStore store) {
        this.store = store;
    }

    /** The feature networks evaluation needs loaded, beside the ones the loss names. */
    List<String> networks(JobSpec spec) {
        String network = spec.evaluation() == null ? null : spec.evaluation().featureNetwork();
        return network == null ? List.of() : List.of(network);
    }

    /** @param networks loaded with {@link #networks(JobSpec)} among them */
    EvaluationSetup setup(JobSpec spec, FeatureNetworks networks) {
        String id = spec.evaluation() == null ? null : spec.evaluation().featureNetwork();
        if (id == null) {
            return new EvaluationSetup(null, new ObjectStoreReferenceCache(store));
        }
        FeatureNetworkInfo info = networks.info(id)
                .orElseThrow(() -> new IllegalStateException("feature network " + id + " was not loaded"));
        String output = spec.evaluation().featureOutput() != null
                ? spec.evaluation().featureOutput()
                : FeatureNetworkExtractor.defaultOutput(info);
        return new EvaluationSetup(
                new FeatureNetworkExtractor(networks.network(id), info, output), new ObjectStoreReferenceCache(store));
    }
}
