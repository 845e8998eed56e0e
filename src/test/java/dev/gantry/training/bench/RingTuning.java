package dev.gantry.training.bench;

import dev.gantry.training.GanTraining;
import dev.gantry.training.LossConfig;
import dev.gantry.training.ModelConfig;
import dev.gantry.training.OptimizerConfig;
import dev.gantry.training.TrainingConfig;
import dev.gantry.training.TrainingListener;

import java.util.List;
import java.util.Map;

/** Scratch: ring8 coverage over training for given hyper-parameters. Args: units layers batch lr steps seed. */
public final class RingTuning {

    public static void main(String[] args) {
        int units = Integer.parseInt(args[0]);
        int layers = Integer.parseInt(args[1]);
        int batch = Integer.parseInt(args[2]);
        double lr = Double.parseDouble(args[3]);
        int steps = Integer.parseInt(args[4]);
        long seed = Long.parseLong(args[5]);
        OptimizerConfig adam = new OptimizerConfig("adam", lr, 0.5, 0.999);
        TrainingConfig c = new TrainingConfig("ring8", new ModelConfig("mlp", 2, units, layers),
                new LossConfig("non-saturating", List.of()), adam, adam, steps, batch, 1, seed, 0, 250, 2500, 0);
        long start = System.nanoTime();
        GanTraining.run(c, null, new TrainingListener() {
            public void onStep(long step, Map<String, Double> metrics) {}
            public void onCheckpoint(long step, byte[] checkpoint) {}
            public void onEvaluation(long step, Map<String, Double> metrics, byte[] png) {
                System.out.printf("%d %.1fs %s%n", step, (System.nanoTime() - start) / 1e9, metrics);
            }
            public boolean stopRequested() { return false; }
        });
    }
}
