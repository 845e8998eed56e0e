package dev.gantry.training;

import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TrainingConfig;
import java.util.List;

/** Child-process main for {@link RingQualityTest}; prints {@code result <modes> <high-quality>}. */
public final class RingQualityProbe {

    static TrainingConfig config() {
        OptimizerConfig adam = new OptimizerConfig("adam", 5e-4, 0.5, 0.999, "constant", 0);
        return new TrainingConfig(
                DataConfig.points("ring8"),
                ModelConfig.mlp(2, 128, 3, false),
                new LossConfig("non-saturating", 0.0, List.of()),
                adam,
                adam,
                3000,
                256,
                1,
                2,
                0,
                0,
                2500,
                0,
                0,
                0);
    }

    public static void main(String[] args) {
        TrainingResult result = GanTraining.run(config(), null, new RecordingListener());
        System.out.println("result " + result.lastEvaluation().get("eval/modes") + " "
                + result.lastEvaluation().get("eval/high-quality"));
    }
}
