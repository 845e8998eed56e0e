package dev.gantry.training.bench;

import dev.gantry.training.GanTraining;
import dev.gantry.training.TestConfigs;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.config.TrainingConfig;
import java.util.Map;

/**
 * Steps per second of the bare training loop on the default grid25 spec, no listener work.
 * Usage: {@code BareLoopBenchmark [steps=2000] [warmup=200]}.
 */
public final class BareLoopBenchmark {

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        TrainingConfig config = TestConfigs.grid25("non-saturating", warmup + steps, 1);
        long[] start = new long[1];
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStep(long step, Map<String, Double> metrics) {
                if (step == warmup) {
                    start[0] = System.nanoTime();
                }
            }

            @Override
            public void onEvaluation(long step, Map<String, Double> metrics, byte[] samplePng) {
                long end = System.nanoTime();
                double seconds = (end - start[0]) / 1e9;
                System.out.printf(
                        "grid25 mlp 256x3 batch 256, %d steps after %d warm-up: %.2f s, %.1f steps/s, final %s%n",
                        steps, warmup, seconds, steps / seconds, metrics);
            }
        };
        GanTraining.run(config, null, listener);
    }
}
