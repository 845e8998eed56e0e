package dev.gantry.worker;

import dev.gantry.job.JobSpec;
import dev.gantry.training.LossConfig;
import dev.gantry.training.ModelConfig;
import dev.gantry.training.OptimizerConfig;
import dev.gantry.training.TermConfig;
import dev.gantry.training.TrainingConfig;

/** Maps a stored (complete) job spec onto the training core's own config. */
final class TrainingConfigs {

    private TrainingConfigs() {}

    static TrainingConfig from(JobSpec spec) {
        JobSpec.Model model = spec.model();
        JobSpec.Training training = spec.training();
        int evaluationEvery = Math.toIntExact(spec.evaluation().everySteps());
        return new TrainingConfig(
                spec.dataset(),
                new ModelConfig(model.architecture(), model.latentDim(), model.hiddenUnits(), model.hiddenLayers(), false),
                new LossConfig(
                        spec.loss().adversarial().type(),
                        0.0,
                        spec.loss().terms().stream()
                                .map(t -> new TermConfig(t.type(), t.weight(), false, t.params()))
                                .toList()),
                optimizer(spec.optimizer().generator()),
                optimizer(spec.optimizer().discriminator()),
                Math.toIntExact(training.steps()),
                training.batchSize(),
                training.discriminatorSteps(),
                training.seed(),
                Math.toIntExact(spec.checkpoints().everySteps()),
                evaluationEvery,
                spec.evaluation().samples(),
                evaluationEvery,
                0,
                0);
    }

    private static OptimizerConfig optimizer(JobSpec.Optimizer o) {
        return new OptimizerConfig(o.type(), o.learningRate(), o.beta1(), o.beta2(), "constant", 0);
    }
}
