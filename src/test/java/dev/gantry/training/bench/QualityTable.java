package dev.gantry.training.bench;

import dev.gantry.training.GanTraining;
import dev.gantry.training.LossConfig;
import dev.gantry.training.TermConfig;
import dev.gantry.training.TestConfigs;
import dev.gantry.training.TrainingConfig;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.TrainingResult;

import java.util.List;
import java.util.Map;

/**
 * Mode coverage on grid25 for every adversarial loss × 3 seeds, the default spec otherwise, as a
 * markdown table. Wasserstein runs with weight-clipping (c = 0.01), as in its paper.
 * Usage: {@code QualityTable [steps=20000] [seeds=3] [losses=all, comma-separated]}.
 */
public final class QualityTable {

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.println("| loss | seed | modes/25 | high-quality % | steps | wall s |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        List<String> losses = args.length > 2
                ? List.of(args[2].split(","))
                : List.of("non-saturating", "minimax", "least-squares", "wasserstein", "hinge");
        for (String loss : losses) {
            double modes = 0;
            double hq = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                TrainingConfig c = TestConfigs.grid25(loss, steps, seed);
                if (loss.equals("wasserstein")) {
                    c = withLoss(c, new LossConfig(loss, 0.0, List.of(new TermConfig("weight-clipping", 1.0, false, Map.of()))));
                }
                long start = System.nanoTime();
                TrainingResult r = GanTraining.run(c, null, QUIET);
                double wall = (System.nanoTime() - start) / 1e9;
                double m = r.lastEvaluation().get("eval/modes");
                double h = r.lastEvaluation().get("eval/high-quality") * 100;
                modes += m;
                hq += h;
                System.out.printf("| %s | %d | %.0f | %.1f | %d | %.0f |%n", label(c), seed, m, h, steps, wall);
            }
            System.out.printf("| **%s mean** | | **%.1f** | **%.1f** | | |%n", loss, modes / seeds, hq / seeds);
        }
    }

    private static String label(TrainingConfig c) {
        return c.loss().terms().isEmpty() ? c.loss().adversarial() : c.loss().adversarial() + " + weight-clipping";
    }

    static TrainingConfig withLoss(TrainingConfig c, LossConfig loss) {
        return new TrainingConfig(
                c.dataset(), c.model(), loss, c.generatorOptimizer(), c.discriminatorOptimizer(), c.steps(),
                c.batchSize(), c.discriminatorSteps(), c.seed(), c.checkpointEverySteps(),
                c.evaluationEverySteps(), c.evaluationSamples(), c.sampleEverySteps(), c.emaDecay(),
                c.instanceNoise());
    }

    static final TrainingListener QUIET = new TrainingListener() {};
}
